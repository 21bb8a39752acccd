package faceattr_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"facesnap"
	"facesnap/engine"
	"facesnap/faceattr"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, list, det, rec string
		want                 faceattr.Set
		errHas               string // "" for no error
	}{
		{"Empty", "", "detection_01", "recognition_01", nil, ""},
		{"Served", "headPose,blur,exposure,noise", "detection_01", "recognition_01", faceattr.Set{"headPose", "blur", "exposure", "noise"}, ""},
		{"CaseAndSpacesAndRepeats", " HEADPOSE , headpose,Blur", "detection_01", "recognition_01", faceattr.Set{"headPose", "blur"}, ""},
		{"QualityWith04", "qualityForRecognition", "detection_03", "recognition_04", faceattr.Set{"qualityForRecognition"}, ""},
		{"QualityWith03", "qualityForRecognition", "detection_01", "recognition_03", faceattr.Set{"qualityForRecognition"}, ""},
		{"ErrQualityWith01", "qualityForRecognition", "detection_01", "recognition_01", nil, "only supported with recognition model recognition_03 or recognition_04"},
		{"ErrRetired", "age", "detection_01", "recognition_01", nil, "'age' is not supported"},
		{"ErrRetiredEmotion", "headPose,emotion", "detection_01", "recognition_01", nil, "'emotion' is not supported"},
		{"ErrUnknown", "beauty", "detection_01", "recognition_01", nil, "'beauty' is not a face attribute"},
		{"ErrDetection02", "headPose", "detection_02", "recognition_01", nil, "not supported by detection_02"},
		{"ErrDetection03Exposure", "exposure", "detection_03", "recognition_04", nil, "Only face attributes 'headpose,blur,mask,qualityforrecognition' are supported by detection_03."},
		{"ErrNotComputed", "glasses", "detection_01", "recognition_01", nil, "'glasses' is not computed by this server"},
		{"ErrMaskNotComputed", "mask", "detection_03", "recognition_04", nil, "'mask' is not computed by this server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := faceattr.Parse(tt.list, tt.det, tt.rec)
			if tt.errHas == "" {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("Parse = %v, %v; want %v", got, err, tt.want)
				}
				return
			}
			var inv *facesnap.InvalidError
			if !errors.As(err, &inv) || inv.Reason != facesnap.ReasonBadArgument || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("err = %v, want BadArgument with %q", err, tt.errHas)
			}
		})
	}
}

// project places the six landmarks the pose fit reads as an average head
// turned by p would show them (orthographic, 0.5 px per unit, centred at
// (500, 400)).
func project(p faceattr.Pose) [68]engine.Point {
	model := map[int][3]float64{30: {0, 0, 0}, 8: {0, -330, -65}, 36: {-225, 170, -135}, 45: {225, 170, -135}, 48: {-150, -150, -125}, 54: {150, -150, -125}}
	rad := math.Pi / 180
	// The documented senses: yaw toward the picture's right, pitch up,
	// roll clockwise in the picture. In a y-up frame: yaw turns z toward
	// x, pitch turns z toward y, roll turns x toward -y.
	yaw, pitch, roll := p.Yaw*rad, p.Pitch*rad, p.Roll*rad
	var lm [68]engine.Point
	for i, m := range model {
		x, y, z := m[0], m[1], m[2]
		y, z = y*math.Cos(pitch)+z*math.Sin(pitch), -y*math.Sin(pitch)+z*math.Cos(pitch)
		x, z = x*math.Cos(yaw)+z*math.Sin(yaw), -x*math.Sin(yaw)+z*math.Cos(yaw)
		x, y = x*math.Cos(roll)+y*math.Sin(roll), -x*math.Sin(roll)+y*math.Cos(roll)
		lm[i] = engine.Point{X: 500 + 0.5*x, Y: 400 - 0.5*y}
	}
	return lm
}

func TestEstimatePose(t *testing.T) {
	t.Parallel()
	for _, want := range []faceattr.Pose{
		{}, {Yaw: 30}, {Yaw: -30}, {Pitch: 20}, {Pitch: -20}, {Roll: 25}, {Roll: -25},
		{Pitch: 10, Roll: -15, Yaw: 25},
	} {
		got := faceattr.EstimatePose(project(want))
		// The fit is exact on the model's own points but for the pitch
		// correction the real landmarks need.
		want.Pitch += 8
		if math.Abs(got.Yaw-want.Yaw) > 0.5 || math.Abs(got.Pitch-want.Pitch) > 0.5 || math.Abs(got.Roll-want.Roll) > 0.5 {
			t.Errorf("EstimatePose of %+v = %+v", want, got)
		}
	}
}
