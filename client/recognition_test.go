package client

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// TestClient_Recognition checks what detect, identify, verify,
// find-similar and group send and how their answers decode.
func TestClient_Recognition(t *testing.T) {
	t.Parallel()
	const (
		fid1        = "c5c24a82-6845-4031-9d5d-978df9175426"
		fid2        = "65d083d4-9447-47d1-af30-b626144bf0fb"
		detectJSON  = `[{"faceId":"` + fid1 + `","recognitionModel":"recognition_04","faceRectangle":{"top":54,"left":394,"width":78,"height":78}}]`
		identifyOut = `[{"faceId":"` + fid1 + `","candidates":[{"personId":"` + personID + `","confidence":0.92}]},{"faceId":"` + fid2 + `","candidates":[]}]`
		verifyOut   = `{"isIdentical":false,"confidence":0.31}`
		similarOut  = `[{"persistedFaceId":"` + faceID + `","confidence":0.82}]`
		groupOut    = `{"groups":[["` + fid1 + `","` + fid2 + `"]],"messyGroup":["` + faceID + `"]}`
	)
	no, zero := false, 0.0
	image := bytes.Repeat([]byte{0xff}, 2048)
	runCallCases(t, []callCase{
		{
			name: "DetectDefaults",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Detect(ctx, bytes.NewReader(image), DetectOptions{})
			},
			method: "POST", path: "/detect", body: string(image),
			reply: reply{status: 200, body: detectJSON}, want: detectJSON,
		},
		{
			name: "DetectEveryOption",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Detect(ctx, bytes.NewReader(image), DetectOptions{
					ReturnFaceID: &no, ReturnFaceLandmarks: true,
					ReturnFaceAttributes: []FaceAttributeType{AttributeAge, AttributeHeadPose},
					RecognitionModel:     Recognition04, DetectionModel: Detection03,
					ReturnRecognitionModel: true, FaceIDTimeToLive: 120,
				})
			},
			method: "POST", path: "/detect", body: string(image),
			query: "detectionModel=detection_03&faceIdTimeToLive=120&recognitionModel=recognition_04&returnFaceAttributes=age%2CheadPose&returnFaceId=false&returnFaceLandmarks=true&returnRecognitionModel=true",
			reply: reply{status: 200, body: `[]`}, want: `[]`,
		},
		{
			name: "DetectURL",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DetectURL(ctx, "https://example.com/a.jpg", DetectOptions{RecognitionModel: Recognition04})
			},
			method: "POST", path: "/detect", query: "recognitionModel=recognition_04",
			body:  `{"url":"https://example.com/a.jpg"}`,
			reply: reply{status: 200, body: detectJSON}, want: detectJSON,
		},
		{
			name: "DetectNilImage",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Detect(ctx, nil, DetectOptions{})
			},
			wantError: true,
		},
		{
			name: "DetectError",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Detect(ctx, bytes.NewReader(image), DetectOptions{ReturnFaceAttributes: []FaceAttributeType{AttributeAge}})
			},
			method: "POST", path: "/detect", query: "returnFaceAttributes=age", body: string(image),
			reply: jsonError(400, "BadArgument", "Face attributes are not supported."), wantError: true,
		},
		{
			name: "Identify",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Identify(ctx, IdentifyRequest{FaceIDs: []string{fid1, fid2}, LargePersonGroupID: "staff", MaxNumOfCandidatesReturned: 2})
			},
			method: "POST", path: "/identify",
			body:  `{"faceIds":["` + fid1 + `","` + fid2 + `"],"largePersonGroupId":"staff","maxNumOfCandidatesReturned":2}`,
			reply: reply{status: 200, body: identifyOut}, want: identifyOut,
		},
		{
			name: "IdentifyZeroThreshold",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Identify(ctx, IdentifyRequest{FaceIDs: []string{fid1}, PersonGroupID: "staff", ConfidenceThreshold: &zero})
			},
			method: "POST", path: "/identify",
			body:  `{"faceIds":["` + fid1 + `"],"personGroupId":"staff","confidenceThreshold":0}`,
			reply: reply{status: 200, body: `[]`}, want: `[]`,
		},
		{
			name: "IdentifyNotTrained",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Identify(ctx, IdentifyRequest{FaceIDs: []string{fid1}, PersonGroupID: "staff"})
			},
			method: "POST", path: "/identify", body: `{"faceIds":["` + fid1 + `"],"personGroupId":"staff"}`,
			reply: jsonError(400, "PersonGroupNotTrained", "Person group 'staff' not trained."), wantError: true,
		},
		{
			name: "VerifyFaceToFace",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.VerifyFaceToFace(ctx, VerifyFaceToFaceRequest{FaceID1: fid1, FaceID2: fid2})
			},
			method: "POST", path: "/verify", body: `{"faceId1":"` + fid1 + `","faceId2":"` + fid2 + `"}`,
			reply: reply{status: 200, body: verifyOut}, want: verifyOut,
		},
		{
			name: "VerifyFaceToPerson",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.VerifyFaceToPerson(ctx, VerifyFaceToPersonRequest{FaceID: fid1, PersonGroupID: "staff", PersonID: personID})
			},
			method: "POST", path: "/verify", body: `{"faceId":"` + fid1 + `","personGroupId":"staff","personId":"` + personID + `"}`,
			reply: reply{status: 200, body: `{"isIdentical":true,"confidence":0.9}`}, want: `{"isIdentical":true,"confidence":0.9}`,
		},
		{
			name: "FindSimilar",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FindSimilar(ctx, FindSimilarRequest{FaceID: fid1, LargeFaceListID: "lfl", MaxNumOfCandidatesReturned: 1, Mode: MatchFace})
			},
			method: "POST", path: "/findsimilars",
			body:  `{"faceId":"` + fid1 + `","largeFaceListId":"lfl","maxNumOfCandidatesReturned":1,"mode":"matchFace"}`,
			reply: reply{status: 200, body: similarOut}, want: similarOut,
		},
		{
			name: "Group",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Group(ctx, GroupRequest{FaceIDs: []string{fid1, fid2, faceID}})
			},
			method: "POST", path: "/group", body: `{"faceIds":["` + fid1 + `","` + fid2 + `","` + faceID + `"]}`,
			reply: reply{status: 200, body: groupOut}, want: groupOut,
		},
	})
}

// TestClient_IdentifyError checks that a recognition error keeps the
// server's code, so that callers can tell an untrained group from a
// missing one.
func TestClient_IdentifyError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reply  reply
		status int
		code   string
	}{
		{"NotTrained", jsonError(400, "LargePersonGroupNotTrained", "not trained"), 400, "LargePersonGroupNotTrained"},
		{"TrainingNotFinished", jsonError(409, "LargePersonGroupTrainingNotFinished", "running"), 409, "LargePersonGroupTrainingNotFinished"},
		{"FaceNotFound", jsonError(400, "FaceNotFound", "Face is not found."), 400, "FaceNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.reply))
			_, err := b.c.Identify(t.Context(), IdentifyRequest{FaceIDs: []string{"x"}, LargePersonGroupID: "g"})
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %v (%T), want *Error", err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code {
				t.Errorf("status %d code %q, want %d %q", apiErr.StatusCode, apiErr.Code, tt.status, tt.code)
			}
		})
	}
}
