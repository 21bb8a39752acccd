package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FaceAttributeType names an attribute detect can be asked for.
type FaceAttributeType string

const (
	AttributeAge         FaceAttributeType = "age"
	AttributeGender      FaceAttributeType = "gender"
	AttributeHeadPose    FaceAttributeType = "headPose"
	AttributeSmile       FaceAttributeType = "smile"
	AttributeFacialHair  FaceAttributeType = "facialHair"
	AttributeGlasses     FaceAttributeType = "glasses"
	AttributeEmotion     FaceAttributeType = "emotion"
	AttributeHair        FaceAttributeType = "hair"
	AttributeMakeup      FaceAttributeType = "makeup"
	AttributeOcclusion   FaceAttributeType = "occlusion"
	AttributeAccessories FaceAttributeType = "accessories"
	AttributeBlur        FaceAttributeType = "blur"
	AttributeExposure    FaceAttributeType = "exposure"
	AttributeNoise       FaceAttributeType = "noise"
	// AttributeQualityForRecognition needs recognition_03 or recognition_04.
	AttributeQualityForRecognition FaceAttributeType = "qualityForRecognition"
)

// DetectOptions tunes a detect. Zero fields are not sent, so the server's
// defaults apply (a faceId for every face, kept 24 hours; recognition_01;
// detection_01).
type DetectOptions struct {
	// ReturnFaceID false asks for no faceIds; nil leaves the default, true.
	ReturnFaceID         *bool
	ReturnFaceLandmarks  bool
	ReturnFaceAttributes []FaceAttributeType
	RecognitionModel     RecognitionModel
	DetectionModel       DetectionModel
	// ReturnRecognitionModel adds the model to each face of the answer.
	ReturnRecognitionModel bool
	// FaceIDTimeToLive is how long, in seconds (60–86400), the faceIds
	// stay usable; 0 leaves the default, 24 hours.
	FaceIDTimeToLive int
}

func (o DetectOptions) query() url.Values {
	q := url.Values{}
	if o.ReturnFaceID != nil {
		q.Set("returnFaceId", strconv.FormatBool(*o.ReturnFaceID))
	}
	if o.ReturnFaceLandmarks {
		q.Set("returnFaceLandmarks", "true")
	}
	if len(o.ReturnFaceAttributes) > 0 {
		names := make([]string, len(o.ReturnFaceAttributes))
		for i, a := range o.ReturnFaceAttributes {
			names[i] = string(a)
		}
		// One comma-separated value, as the spec's form style wants.
		q.Set("returnFaceAttributes", strings.Join(names, ","))
	}
	if o.RecognitionModel != "" {
		q.Set("recognitionModel", string(o.RecognitionModel))
	}
	returnRecognitionModel(q, o.ReturnRecognitionModel)
	if o.DetectionModel != "" {
		q.Set("detectionModel", string(o.DetectionModel))
	}
	if o.FaceIDTimeToLive != 0 {
		q.Set("faceIdTimeToLive", strconv.Itoa(o.FaceIDTimeToLive))
	}
	return q
}

// Detect finds the faces of an image (JPEG, PNG, GIF, BMP; 1 KB to 6 MB),
// streamed as application/octet-stream, largest first; none is an empty
// answer, not an error. An image that is also an io.Seeker is sent with
// its length and can be retried.
func (c *Client) Detect(ctx context.Context, image io.Reader, opts DetectOptions) ([]DetectedFace, error) {
	if image == nil {
		return nil, errors.New("detect: nil image")
	}
	var faces []DetectedFace
	_, err := c.call(ctx, request{method: http.MethodPost, path: "/detect", query: opts.query(), stream: image, want: http.StatusOK}, &faces)
	return faces, err
}

// DetectURL finds the faces of the image at imageURL, which the server
// fetches.
func (c *Client) DetectURL(ctx context.Context, imageURL string, opts DetectOptions) ([]DetectedFace, error) {
	var faces []DetectedFace
	_, err := c.call(ctx, request{method: http.MethodPost, path: "/detect", query: opts.query(), body: ImageURL{imageURL}, want: http.StatusOK}, &faces)
	return faces, err
}
