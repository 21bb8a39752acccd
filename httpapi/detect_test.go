package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"facesnap"
	"facesnap/engine"
	"facesnap/engine/enginetest"
	"facesnap/httpapi"
)

// The detect tests run the real engine on the demo images
// (enginetest: they skip without them, except under CI).

type detectedFace struct {
	FaceID           *string
	RecognitionModel *string
	FaceRectangle    struct{ Top, Left, Width, Height int }
	FaceLandmarks    map[string]struct{ X, Y float64 }
}

func TestAPI_DetectWithoutEngine(t *testing.T) {
	t.Parallel()
	tb := setup(t, httpapi.Config{})
	tb.run(t, "detect", []step{
		{name: "no-engine", method: "POST", path: "/detect", contentType: "application/octet-stream", body: string(tb.img), status: 501, code: "NotImplemented"},
	})
}

func TestAPI_Detect(t *testing.T) {
	t.Parallel()
	eng := enginetest.Engine(t)
	tb := setup(t, httpapi.Config{})
	tb.coll.Engine = eng
	sample := enginetest.DemoImage(t, "sample1.jpg")
	tb.coll.Fetcher = fetcher{"http://images.test/sample1.jpg": sample}
	detect := func(t *testing.T, query string, s step) []detectedFace {
		t.Helper()
		s.method, s.path, s.status = "POST", "/detect"+query, 200
		if s.body == "" {
			s.contentType, s.body = "application/octet-stream", string(sample)
		}
		status, _, body := tb.do(t, s)
		if status != 200 {
			t.Fatalf("detect%s: HTTP %d %s", query, status, body)
		}
		var faces []detectedFace
		if err := json.Unmarshal(body, &faces); err != nil {
			t.Fatalf("detect%s: %v in %s", query, err, body)
		}
		return faces
	}

	t.Run("Defaults", func(t *testing.T) {
		faces := detect(t, "", step{})
		if len(faces) != 3 {
			t.Fatalf("%d faces in sample1, want 3", len(faces))
		}
		for i, f := range faces {
			r := f.FaceRectangle
			if r.Width < 36 || r.Height < 36 || r.Left < 0 || r.Top < 0 || r.Left+r.Width > 1920 || r.Top+r.Height > 1280 {
				t.Errorf("face %d: rectangle %+v", i, r)
			}
			if i > 0 {
				p := faces[i-1].FaceRectangle
				if p.Width*p.Height < r.Width*r.Height {
					t.Errorf("face %d (%+v) is larger than face %d (%+v): want largest first", i, r, i-1, p)
				}
			}
			if f.FaceID == nil {
				t.Fatalf("face %d has no faceId; returnFaceId defaults to true", i)
			}
			if f.RecognitionModel != nil || f.FaceLandmarks != nil {
				t.Errorf("face %d: recognitionModel or landmarks without asking", i)
			}
			kept, err := tb.store.DetectedFaceGet(t.Context(), accountA(t, tb), *f.FaceID)
			if err != nil {
				t.Fatalf("faceId %s not kept: %v", *f.FaceID, err)
			}
			if kept.ExpiresAt.Sub(kept.CreatedAt) != 24*time.Hour || len(kept.Feature) != engine.DescriptorSize ||
				kept.RecognitionModel != "recognition_01" || kept.DetectionModel != "detection_01" {
				t.Errorf("kept face %+v, want 24 h, a %d-value feature, recognition_01, detection_01", kept, engine.DescriptorSize)
			}
			if kept.Rect != (facesnap.Rect{Left: r.Left, Top: r.Top, Width: r.Width, Height: r.Height}) {
				t.Errorf("kept rectangle %+v, answered %+v", kept.Rect, r)
			}
		}
	})
	t.Run("WhatTheSDKsSend", func(t *testing.T) {
		faces := detect(t, "?returnFaceId=true&returnFaceLandmarks=true&faceIdTimeToLive=60&detectionModel=detection_01&recognitionModel=recognition_04&returnRecognitionModel=true", step{})
		if len(faces) != 3 {
			t.Fatalf("%d faces, want 3", len(faces))
		}
		for i, f := range faces {
			if f.RecognitionModel == nil || *f.RecognitionModel != "recognition_04" {
				t.Errorf("face %d: recognitionModel %v, want recognition_04", i, f.RecognitionModel)
			}
			if len(f.FaceLandmarks) != len(engine.LandmarkNames) {
				t.Fatalf("face %d: %d landmarks, want %d", i, len(f.FaceLandmarks), len(engine.LandmarkNames))
			}
			r := f.FaceRectangle
			for _, name := range engine.LandmarkNames {
				p, ok := f.FaceLandmarks[name]
				if !ok {
					t.Errorf("face %d: no landmark %s", i, name)
				}
				// Every named point is on the face, give or take a margin.
				if p.X < float64(r.Left-r.Width/4) || p.X > float64(r.Left+r.Width*5/4) || p.Y < float64(r.Top-r.Height/4) || p.Y > float64(r.Top+r.Height*5/4) {
					t.Errorf("face %d: %s at %+v, outside %+v", i, name, p, r)
				}
			}
		}
	})
	t.Run("NoFaceID", func(t *testing.T) {
		for _, f := range detect(t, "?returnFaceId=false", step{}) {
			if f.FaceID != nil {
				t.Errorf("faceId %s with returnFaceId=false", *f.FaceID)
			}
		}
	})
	t.Run("ByURL", func(t *testing.T) {
		if faces := detect(t, "", step{body: `{"url":"http://images.test/sample1.jpg"}`}); len(faces) != 3 {
			t.Errorf("%d faces by URL, want 3", len(faces))
		}
	})
	t.Run("NoFace", func(t *testing.T) {
		if faces := detect(t, "", step{contentType: "application/octet-stream", body: string(tb.img)}); len(faces) != 0 {
			t.Errorf("%d faces in noise, want none", len(faces))
		}
	})
	t.Run("Errors", func(t *testing.T) {
		img := string(sample)
		oct := "application/octet-stream"
		tb.run(t, "detect", []step{
			{method: "POST", path: "/detect?faceIdTimeToLive=59", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect?faceIdTimeToLive=86401", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect?faceIdTimeToLive=day", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{name: "attributes", method: "POST", path: "/detect?returnFaceAttributes=age,gender", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{name: "attribute not computed", method: "POST", path: "/detect?returnFaceAttributes=glasses", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect?returnFaceId=maybe", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect?detectionModel=detection_09", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect?recognitionModel=recognition_09", contentType: oct, body: img, status: 400, code: "BadArgument"},
			{method: "POST", path: "/detect", contentType: oct, body: strings.Repeat("x", 2048), status: 400, code: "InvalidImage"},
			{method: "POST", path: "/detect", contentType: oct, body: img[:900], status: 400, code: "InvalidImageSize"},
			{method: "POST", path: "/detect", body: `{"url":""}`, status: 400, code: "InvalidURL"},
			{method: "POST", path: "/detect", body: `{"url":"http://images.test/missing.jpg"}`, status: 400, code: "InvalidURL"},
			{method: "POST", path: "/detect", contentType: "text/plain", body: img, status: 415, code: "BadArgument"},
		})
	})
}

// accountA is the name of the account keyA selects.
func accountA(t *testing.T, tb *testBundle) string {
	t.Helper()
	accts, err := tb.store.AccountList(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.SubscriptionID == "11111111-1111-4111-8111-111111111111" {
			return a.Name
		}
	}
	t.Fatal("no account of keyA")
	return ""
}
