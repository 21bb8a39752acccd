package client

import (
	"bytes"
	"context"
	"testing"
)

const (
	faceJSON    = `{"persistedFaceId":"015839fb-fbd9-4f79-ace9-7675fc2f1dd9","userData":"User-provided data attached to the face."}`
	faceID      = "015839fb-fbd9-4f79-ace9-7675fc2f1dd9"
	personJSON  = `{"personId":"25985303-c537-4467-b41d-bdb45cd95ca1","name":"Ryan","userData":"User-provided data attached to the person.","persistedFaceIds":["015839fb-fbd9-4f79-ace9-7675fc2f1dd9"]}`
	personID    = "25985303-c537-4467-b41d-bdb45cd95ca1"
	trainedJSON = `{"status":"succeeded","createdDateTime":"2017-12-21T12:57:27.0000000Z","lastActionDateTime":"2017-12-21T12:57:30.0000000Z","lastSuccessfulTrainingDateTime":"2017-12-21T12:57:30.0000000Z"}`
	empty       = "null" // the marshalled result of a call that returns only an error
)

var ok200 = reply{status: 200}

// TestClient_Collections runs the generic collection calls once per kind:
// each kind's path and model must come out right.
func TestClient_Collections(t *testing.T) {
	t.Parallel()
	const (
		faceListJSON = `{"faceListId":"sample_list","name":"list1","userData":"User-provided data attached to the face list.","recognitionModel":"recognition_01","persistedFaces":[` + faceJSON + `]}`
		lflJSON      = `{"largeFaceListId":"lfl","name":"large-face-list-name","recognitionModel":"recognition_01"}`
		pgJSON       = `{"personGroupId":"sample_group","name":"group1","userData":"User-provided data attached to the person group.","recognitionModel":"recognition_01"}`
		lpgJSON      = `{"largePersonGroupId":"lpg","name":"large-person-group-name"}`
	)
	runCallCases(t, []callCase{
		{
			name: "FaceListCreate",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.FaceLists().Create(ctx, "sample_list", MetaDataContract{Name: "sample_list", RecognitionModel: Recognition01, UserData: "User-provided data attached to the face list."})
			},
			method: "PUT", path: "/facelists/sample_list",
			body:  `{"name":"sample_list","userData":"User-provided data attached to the face list.","recognitionModel":"recognition_01"}`,
			reply: ok200, want: empty,
		},
		{
			name: "FaceListGet",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FaceLists().Get(ctx, "sample_list", GetOptions{ReturnRecognitionModel: true})
			},
			method: "GET", path: "/facelists/sample_list", query: "returnRecognitionModel=true",
			reply: reply{status: 200, body: faceListJSON}, want: faceListJSON,
		},
		{
			name:   "FaceListList",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.FaceLists().List(ctx, ListOptions{}) },
			method: "GET", path: "/facelists",
			reply: reply{status: 200, body: `[{"faceListId":"sample_list","name":"list1"}]`}, want: `[{"faceListId":"sample_list","name":"list1"}]`,
		},
		{
			name: "FaceListUpdate",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.FaceLists().Update(ctx, "sample_list", NameAndUserDataContract{Name: "list1"})
			},
			method: "PATCH", path: "/facelists/sample_list", body: `{"name":"list1"}`,
			reply: ok200, want: empty,
		},
		{
			name: "FaceListDelete",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.FaceLists().Delete(ctx, "sample_list")
			},
			method: "DELETE", path: "/facelists/sample_list",
			reply: ok200, want: empty,
		},
		{
			name: "LargeFaceListGet",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargeFaceLists().Get(ctx, "lfl", GetOptions{})
			},
			method: "GET", path: "/largefacelists/lfl",
			reply: reply{status: 200, body: lflJSON}, want: lflJSON,
		},
		{
			name: "LargeFaceListListPaged",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargeFaceLists().List(ctx, ListOptions{Start: "a", Top: 2, ReturnRecognitionModel: true})
			},
			method: "GET", path: "/largefacelists", query: "returnRecognitionModel=true&start=a&top=2",
			reply: reply{status: 200, body: "[" + lflJSON + "]"}, want: "[" + lflJSON + "]",
		},
		{
			name:   "LargeFaceListTrain",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.LargeFaceLists().Train(ctx, "lfl") },
			method: "POST", path: "/largefacelists/lfl/train",
			reply: reply{status: 202}, want: empty,
		},
		{
			name: "LargeFaceListTrainingStatus",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargeFaceLists().GetTrainingStatus(ctx, "lfl")
			},
			method: "GET", path: "/largefacelists/lfl/training",
			reply: reply{status: 200, body: trainedJSON}, want: trainedJSON,
		},
		{
			name: "PersonGroupCreate",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Create(ctx, "sample_group", MetaDataContract{Name: "group1"})
			},
			method: "PUT", path: "/persongroups/sample_group", body: `{"name":"group1"}`,
			reply: ok200, want: empty,
		},
		{
			name: "PersonGroupGet",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.PersonGroups().Get(ctx, "sample_group", GetOptions{})
			},
			method: "GET", path: "/persongroups/sample_group",
			reply: reply{status: 200, body: pgJSON}, want: pgJSON,
		},
		{
			name: "PersonGroupList",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.PersonGroups().List(ctx, ListOptions{Top: 1000})
			},
			method: "GET", path: "/persongroups", query: "top=1000",
			reply: reply{status: 200, body: "[" + pgJSON + "]"}, want: "[" + pgJSON + "]",
		},
		{
			name: "PersonGroupTrain",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Train(ctx, "sample_group")
			},
			method: "POST", path: "/persongroups/sample_group/train",
			reply: reply{status: 202}, want: empty,
		},
		{
			name: "PersonGroupTrainWrongStatus",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Train(ctx, "sample_group")
			},
			method: "POST", path: "/persongroups/sample_group/train",
			reply: ok200, wantError: true,
		},
		{
			name: "LargePersonGroupGet",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargePersonGroups().Get(ctx, "lpg", GetOptions{})
			},
			method: "GET", path: "/largepersongroups/lpg",
			reply: reply{status: 200, body: lpgJSON}, want: lpgJSON,
		},
		{
			name: "LargePersonGroupDelete",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.LargePersonGroups().Delete(ctx, "lpg")
			},
			method: "DELETE", path: "/largepersongroups/lpg",
			reply: ok200, want: empty,
		},
		{
			name: "LargePersonGroupTrainingStatus",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargePersonGroups().GetTrainingStatus(ctx, "lpg")
			},
			method: "GET", path: "/largepersongroups/lpg/training",
			reply: reply{status: 200, body: `{"status":"nonstarted","createdDateTime":"2017-12-21T12:57:27.0000000Z"}`},
			want:  `{"status":"nonstarted","createdDateTime":"2017-12-21T12:57:27.0000000Z"}`,
		},
	})
}

func TestClient_Persons(t *testing.T) {
	t.Parallel()
	runCallCases(t, []callCase{
		{
			name: "Create",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.PersonGroups().Persons("sample_group").Create(ctx, NameAndUserDataContract{Name: "mike", UserData: "{additional data associated with mike}"})
			},
			method: "POST", path: "/persongroups/sample_group/persons",
			body:  `{"name":"mike","userData":"{additional data associated with mike}"}`,
			reply: reply{status: 200, body: `{"personId":"4caa25ee-3bc6-4e88-adf8-12455ce7aab0"}`},
			want:  `{"personId":"4caa25ee-3bc6-4e88-adf8-12455ce7aab0"}`,
		},
		{
			name: "Get",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargePersonGroups().Persons("lpg").Get(ctx, personID)
			},
			method: "GET", path: "/largepersongroups/lpg/persons/" + personID,
			reply: reply{status: 200, body: personJSON}, want: personJSON,
		},
		{
			name: "List",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargePersonGroups().Persons("lpg").List(ctx, PageOptions{Start: personID, Top: 10})
			},
			method: "GET", path: "/largepersongroups/lpg/persons", query: "start=" + personID + "&top=10",
			reply: reply{status: 200, body: "[" + personJSON + "]"}, want: "[" + personJSON + "]",
		},
		{
			name: "Update",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Persons("sample_group").Update(ctx, personID, NameAndUserDataContract{UserData: "x"})
			},
			method: "PATCH", path: "/persongroups/sample_group/persons/" + personID, body: `{"userData":"x"}`,
			reply: ok200, want: empty,
		},
		{
			name: "Delete",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Persons("sample_group").Delete(ctx, personID)
			},
			method: "DELETE", path: "/persongroups/sample_group/persons/" + personID,
			reply: ok200, want: empty,
		},
		{
			name: "EmptyIDRefused",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PersonGroups().Persons("sample_group").Delete(ctx, "")
			},
			wantError: true,
		},
	})
}

func TestClient_Faces(t *testing.T) {
	t.Parallel()
	image := []byte("\xff\xd8\xff\xe0 not really a jpeg")
	created := reply{status: 200, body: `{"persistedFaceId":"` + faceID + `"}`}
	runCallCases(t, []callCase{
		{
			name: "AddStream",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.PersonGroups().Persons("sample_group").Faces(personID).Add(ctx, bytes.NewReader(image), AddFaceOptions{
					UserData: "a&b c", TargetFace: &FaceRectangle{Left: 10, Top: 10, Width: 100, Height: 100}, DetectionModel: Detection01,
				})
			},
			method: "POST", path: "/persongroups/sample_group/persons/" + personID + "/persistedfaces",
			query: "detectionModel=detection_01&targetFace=10%2C10%2C100%2C100&userData=a%26b+c",
			body:  string(image),
			reply: created, want: `{"persistedFaceId":"` + faceID + `"}`,
		},
		{
			name: "AddURL",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FaceLists().Faces("sample_list").AddURL(ctx, "https://example.invalid/face.jpg?a=1&b=2", AddFaceOptions{})
			},
			method: "POST", path: "/facelists/sample_list/persistedfaces",
			body:  `{"url":"https://example.invalid/face.jpg?a=1&b=2"}`,
			reply: created, want: `{"persistedFaceId":"` + faceID + `"}`,
		},
		{
			name: "Get",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargeFaceLists().Faces("lfl").Get(ctx, faceID)
			},
			method: "GET", path: "/largefacelists/lfl/persistedfaces/" + faceID,
			reply: reply{status: 200, body: faceJSON}, want: faceJSON,
		},
		{
			name: "List",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LargeFaceLists().Faces("lfl").List(ctx, PageOptions{Top: 1})
			},
			method: "GET", path: "/largefacelists/lfl/persistedfaces", query: "top=1",
			reply: reply{status: 200, body: "[" + faceJSON + "]"}, want: "[" + faceJSON + "]",
		},
		{
			name: "Update",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.LargePersonGroups().Persons("lpg").Faces(personID).Update(ctx, faceID, UpdateFaceRequest{UserData: "u"})
			},
			method: "PATCH", path: "/largepersongroups/lpg/persons/" + personID + "/persistedfaces/" + faceID,
			body:  `{"userData":"u"}`,
			reply: ok200, want: empty,
		},
		{
			name: "Delete",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.FaceLists().Faces("sample_list").Delete(ctx, faceID)
			},
			method: "DELETE", path: "/facelists/sample_list/persistedfaces/" + faceID,
			reply: ok200, want: empty,
		},
	})
}
