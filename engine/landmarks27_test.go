package engine

import (
	"context"
	"testing"
)

// TestDetection_Landmarks27 checks the derived points' geometry on a real
// face: left of right, eyes above nose above mouth, lids around pupils.
func TestDetection_Landmarks27(t *testing.T) {
	eng := setup(t)
	dets, err := eng.Detect(context.Background(), loadSample(t, "sample1"))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dets {
		pts := d.Landmarks27()
		at := map[string]Point{}
		for j, name := range LandmarkNames {
			at[name] = pts[j]
		}
		for _, pair := range [][2]string{
			{"pupilLeft", "pupilRight"}, {"mouthLeft", "mouthRight"}, {"eyeLeftOuter", "eyeLeftInner"},
			{"eyeRightInner", "eyeRightOuter"}, {"eyebrowLeftOuter", "eyebrowLeftInner"},
			{"noseRootLeft", "noseRootRight"}, {"noseLeftAlarOutTip", "noseRightAlarOutTip"},
			{"eyeLeftInner", "noseRootLeft"}, {"noseRootRight", "eyeRightInner"},
		} {
			if at[pair[0]].X >= at[pair[1]].X {
				t.Errorf("face %d: %s not left of %s", i, pair[0], pair[1])
			}
		}
		for _, pair := range [][2]string{
			{"eyebrowLeftInner", "eyeLeftTop"}, {"eyeLeftTop", "pupilLeft"}, {"pupilLeft", "eyeLeftBottom"},
			{"eyeRightTop", "eyeRightBottom"}, {"pupilLeft", "noseTip"}, {"noseTip", "upperLipTop"},
			{"upperLipTop", "upperLipBottom"}, {"underLipTop", "underLipBottom"},
		} {
			if at[pair[0]].Y >= at[pair[1]].Y {
				t.Errorf("face %d: %s not above %s", i, pair[0], pair[1])
			}
		}
	}
}
