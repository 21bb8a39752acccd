package collections_test

import (
	"context"
	"image"
	"reflect"
	"testing"
	"time"

	"facesnap"
	"facesnap/collections"
	"facesnap/engine"
)

// twoFaces is an engine that finds the same two faces in every image.
type twoFaces struct{}

func (twoFaces) Detect(context.Context, image.Image) ([]engine.Detection, error) {
	return []engine.Detection{
		{Rect: facesnap.Rect{Left: 10, Top: 10, Width: 80, Height: 90}},
		{Rect: facesnap.Rect{Left: 120, Top: 20, Width: 40, Height: 50}},
	}, nil
}

func (twoFaces) Locate(_ context.Context, _ image.Image, r facesnap.Rect) (engine.Detection, error) {
	return engine.Detection{Rect: r}, nil
}

func (twoFaces) Descriptor(_ context.Context, _ image.Image, d engine.Detection) ([]float32, error) {
	v := make([]float32, engine.DescriptorSize)
	v[0] = float32(d.Rect.Left)
	return v, nil
}

func TestService_Detect(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.svc.Engine = twoFaces{}
	ctx := t.Context()
	img := pngImage(t, 200, 200)

	t.Run("KeepsFaceIDs", func(t *testing.T) {
		faces, err := tb.svc.Detect(ctx, acct, collections.DetectParams{Image: img, ReturnFaceID: true, FaceIDTimeToLive: 60, RecognitionModel: "recognition_04"})
		wantErr(t, err, nil, "")
		if len(faces) != 2 || faces[0].Landmarks != nil {
			t.Fatalf("faces = %+v, want two without landmarks", faces)
		}
		for _, f := range faces {
			kept, err := tb.store.DetectedFaceGet(ctx, acct.Name, f.FaceID)
			wantErr(t, err, nil, "")
			want := facesnap.DetectedFace{ID: f.FaceID, Account: acct.Name, Rect: f.Rect, DetectionModel: "detection_01", RecognitionModel: "recognition_04",
				CreatedAt: tb.now.Truncate(100), ExpiresAt: tb.now.Truncate(100).Add(time.Minute)}

			if kept.Feature[0] != float32(f.Rect.Left) {
				t.Errorf("kept feature %v, not this face's", kept.Feature[:2])
			}
			kept.Feature = nil
			if !reflect.DeepEqual(kept, want) {
				t.Errorf("kept %+v\nwant %+v", kept, want)
			}
			// Another account cannot name it.
			if _, err := tb.store.DetectedFaceGet(ctx, other.Name, f.FaceID); err == nil {
				t.Error("another account reads the face")
			}
		}
		// Expired faces are purged; the clock decides.
		if n, err := tb.svc.PurgeDetectedFaces(ctx); err != nil || n != 0 {
			t.Errorf("purge before expiry: %d, %v", n, err)
		}
		tb.now = tb.now.Add(61 * time.Second)
		if n, err := tb.svc.PurgeDetectedFaces(ctx); err != nil || n != 2 {
			t.Errorf("purge after expiry: %d, %v; want 2", n, err)
		}
	})
	t.Run("Landmarks", func(t *testing.T) {
		faces, err := tb.svc.Detect(ctx, acct, collections.DetectParams{Image: img, ReturnLandmarks: true})
		wantErr(t, err, nil, "")
		for _, f := range faces {
			if f.FaceID != "" || f.Landmarks == nil {
				t.Errorf("face %+v: want landmarks and no faceId", f)
			}
		}
	})
	t.Run("Attributes", func(t *testing.T) {
		faces, err := tb.svc.Detect(ctx, acct, collections.DetectParams{Image: img, FaceAttributes: "headPose,qualityForRecognition",
			DetectionModel: "detection_03", RecognitionModel: "recognition_04"})
		wantErr(t, err, nil, "")
		for _, f := range faces {
			a := f.Attributes
			if a == nil || a.HeadPose == nil || a.QualityForRecognition == "" || a.Blur != nil || a.Exposure != nil || a.Noise != nil {
				t.Errorf("face %+v: attributes %+v, want headPose and quality only", f.Rect, a)
			}
		}
		faces, err = tb.svc.Detect(ctx, acct, collections.DetectParams{Image: img})
		wantErr(t, err, nil, "")
		if faces[0].Attributes != nil {
			t.Errorf("attributes %+v without asking", faces[0].Attributes)
		}
	})
	tests := []struct {
		name   string
		p      collections.DetectParams
		reason facesnap.Reason
	}{
		{"ErrTTLShort", collections.DetectParams{FaceIDTimeToLive: 59}, facesnap.ReasonBadArgument},
		{"ErrTTLLong", collections.DetectParams{FaceIDTimeToLive: 86401}, facesnap.ReasonBadArgument},
		{"ErrRetiredAttribute", collections.DetectParams{FaceAttributes: "age"}, facesnap.ReasonBadArgument},
		{"ErrAttributeOfAnotherModel", collections.DetectParams{FaceAttributes: "exposure", DetectionModel: "detection_03", RecognitionModel: "recognition_04"}, facesnap.ReasonBadArgument},
		{"ErrQualityWithRecognition01", collections.DetectParams{FaceAttributes: "qualityForRecognition"}, facesnap.ReasonBadArgument},
		{"ErrLandmarksWithDetection02", collections.DetectParams{ReturnLandmarks: true, DetectionModel: "detection_02"}, facesnap.ReasonBadArgument},
		{"ErrDetectionModel", collections.DetectParams{DetectionModel: "detection_09"}, facesnap.ReasonBadArgument},
		{"ErrRecognitionModel", collections.DetectParams{RecognitionModel: "recognition_09"}, facesnap.ReasonBadArgument},
		{"ErrEmptyURL", collections.DetectParams{ByURL: true}, facesnap.ReasonInvalidURL},
		{"ErrNotAnImage", collections.DetectParams{Image: make([]byte, 2048)}, facesnap.ReasonInvalidImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.p.Image == nil && !tt.p.ByURL {
				tt.p.Image = img
			}
			_, err := tb.svc.Detect(ctx, acct, tt.p)
			wantErr(t, err, facesnap.ErrInvalid, tt.reason)
		})
	}
	t.Run("ErrNoEngine", func(t *testing.T) {
		svc := &collections.Service{Store: tb.store}
		_, err := svc.Detect(ctx, acct, collections.DetectParams{Image: img})
		if err != collections.ErrNoEngine {
			t.Errorf("err = %v, want ErrNoEngine", err)
		}
	})
}

// fixedFaces is an engine that finds the same faces in every image.
type fixedFaces []facesnap.Rect

func (f fixedFaces) Detect(context.Context, image.Image) ([]engine.Detection, error) {
	var dets []engine.Detection
	for _, r := range f {
		dets = append(dets, engine.Detection{Rect: r})
	}
	return dets, nil
}

func (fixedFaces) Locate(_ context.Context, _ image.Image, r facesnap.Rect) (engine.Detection, error) {
	return engine.Detection{Rect: r}, nil
}

func (fixedFaces) Descriptor(context.Context, image.Image, engine.Detection) ([]float32, error) {
	return make([]float32, engine.DescriptorSize), nil
}

// Faces below the service's documented minimum (36×36 in a picture of up
// to 1920×1080, proportionally more in a larger one) are neither
// detected nor persisted.
func TestService_FacesTooSmallAreNotDetected(t *testing.T) {
	t.Parallel()
	square := func(side int) facesnap.Rect { return facesnap.Rect{Left: 1, Top: 1, Width: side, Height: side} }
	tests := []struct {
		name   string
		w, h   int
		faces  []facesnap.Rect
		kept   int // how many of faces, from the first, detect returns
		addErr error
	}{
		{"AtTheMinimum", 200, 200, []facesnap.Rect{square(36)}, 1, nil},
		{"NarrowerThanTheMinimum", 200, 200, []facesnap.Rect{{Width: 35, Height: 60}}, 0, collections.ErrNoFace},
		{"LowerThanTheMinimum", 200, 200, []facesnap.Rect{{Width: 60, Height: 35}}, 0, collections.ErrNoFace},
		// One face large enough beside one too small: add-face takes the one.
		{"OneOfTwo", 200, 200, []facesnap.Rect{square(80), square(20)}, 1, nil},
		{"FullHDPortrait", 1080, 1920, []facesnap.Rect{square(36)}, 1, nil},
		// 2880×1620 is 1.5 times 1920×1080: the minimum is 54.
		{"LargerPictureAtItsMinimum", 2880, 1620, []facesnap.Rect{square(54)}, 1, nil},
		{"LargerPictureBelowItsMinimum", 2880, 1620, []facesnap.Rect{square(53)}, 0, collections.ErrNoFace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.svc.Engine = fixedFaces(tt.faces)
			ctx := t.Context()
			img := pngImage(t, tt.w, tt.h)

			faces, err := tb.svc.Detect(ctx, acct, collections.DetectParams{Image: img})
			wantErr(t, err, nil, "")
			if len(faces) != tt.kept {
				t.Fatalf("detect found %d faces, want %d", len(faces), tt.kept)
			}
			for i, f := range faces {
				if f.Rect != tt.faces[i] {
					t.Errorf("face %d: %+v, want %+v", i, f.Rect, tt.faces[i])
				}
			}

			tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
			_, err = tb.svc.AddFace(ctx, acct, collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", Image: img})
			if err != tt.addErr {
				t.Fatalf("add face: %v, want %v", err, tt.addErr)
			}
		})
	}
}
