package cli

import (
	"testing"

	"facesnap/client"
)

func TestAttributesString(t *testing.T) {
	tests := []struct {
		name string
		a    *client.FaceAttributes
		want string
	}{
		{"None", nil, "-"},
		{"NotSummarised", &client.FaceAttributes{Occlusion: &client.Occlusion{}}, "(see -o json)"},
		{"Computed", &client.FaceAttributes{
			QualityForRecognition: "high",
			HeadPose:              &client.HeadPose{Pitch: 1.5, Roll: -2, Yaw: 3},
			Blur:                  &client.Blur{BlurLevel: "Low"},
			Exposure:              &client.Exposure{ExposureLevel: "GoodExposure"},
			Noise:                 &client.Noise{NoiseLevel: "Medium"},
		}, "quality=high headPose=1.5/-2/3 blur=Low exposure=GoodExposure noise=Medium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attributesString(tt.a); got != tt.want {
				t.Errorf("attributesString = %q, want %q", got, tt.want)
			}
		})
	}
}
