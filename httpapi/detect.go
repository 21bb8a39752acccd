package httpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"facesnap"
	"facesnap/collections"
	"facesnap/engine"
	"facesnap/faceattr"
)

// detectedFaceJSON is DetectedFace on the wire.
type detectedFaceJSON struct {
	FaceID           string          `json:"faceId,omitempty"`
	RecognitionModel string          `json:"recognitionModel,omitempty"`
	FaceRectangle    rectJSON        `json:"faceRectangle"`
	FaceLandmarks    *landmarksJSON  `json:"faceLandmarks,omitempty"`
	FaceAttributes   *attributesJSON `json:"faceAttributes,omitempty"`
}

// attributesJSON is FaceAttributes, with the clients' field names and enum
// spellings (BlurLevel "Low", ExposureLevel "GoodExposure",
// QualityForRecognition "High", as the Go, JS and Python clients define
// them).
type attributesJSON struct {
	HeadPose              *headPoseJSON `json:"headPose,omitempty"`
	Blur                  *ratedJSON    `json:"blur,omitempty"`
	Exposure              *ratedJSON    `json:"exposure,omitempty"`
	Noise                 *ratedJSON    `json:"noise,omitempty"`
	QualityForRecognition string        `json:"qualityForRecognition,omitempty"`
}

type headPoseJSON struct {
	Pitch float64 `json:"pitch"`
	Roll  float64 `json:"roll"`
	Yaw   float64 `json:"yaw"`
}

// ratedJSON is Blur, Exposure or Noise: the level's field is named after
// the attribute (blurLevel, exposureLevel, noiseLevel).
type ratedJSON struct {
	levelField string
	faceattr.Rated
}

func (r *ratedJSON) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{r.levelField: r.Level, "value": r.Value})
}

func toAttributesJSON(a *faceattr.Attributes) *attributesJSON {
	if a == nil {
		return nil
	}
	rated := func(field string, r *faceattr.Rated) *ratedJSON {
		if r == nil {
			return nil
		}
		return &ratedJSON{levelField: field, Rated: *r}
	}
	out := &attributesJSON{
		Blur:                  rated("blurLevel", a.Blur),
		Exposure:              rated("exposureLevel", a.Exposure),
		Noise:                 rated("noiseLevel", a.Noise),
		QualityForRecognition: a.QualityForRecognition,
	}
	if p := a.HeadPose; p != nil {
		out.HeadPose = &headPoseJSON{Pitch: p.Pitch, Roll: p.Roll, Yaw: p.Yaw}
	}
	return out
}

// rectJSON is FaceRectangle, in the spec's field order.
type rectJSON struct {
	Top    int `json:"top"`
	Left   int `json:"left"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

type pointJSON struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// landmarksJSON is FaceLandmarks: the 27 points named as
// engine.LandmarkNames names them, in that order.
type landmarksJSON [len(engine.LandmarkNames)]pointJSON

func (l *landmarksJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range engine.LandmarkNames {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(name))
		b.WriteByte(':')
		p, err := json.Marshal(l[i])
		if err != nil {
			return nil, err
		}
		b.Write(p)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// tenth rounds a coordinate to the tenth of a pixel the service shows.
func tenth(v float64) float64 { return math.Round(v*10) / 10 }

func toDetectedFaceJSON(f collections.DetectedFace, withModel bool) detectedFaceJSON {
	out := detectedFaceJSON{
		FaceID:        f.FaceID,
		FaceRectangle: rectJSON{Top: f.Rect.Top, Left: f.Rect.Left, Width: f.Rect.Width, Height: f.Rect.Height},
	}
	if withModel {
		out.RecognitionModel = f.RecognitionModel
	}
	out.FaceAttributes = toAttributesJSON(f.Attributes)
	if f.Landmarks != nil {
		var lm landmarksJSON
		for i, p := range f.Landmarks {
			lm[i] = pointJSON{X: tenth(p.X), Y: tenth(p.Y)}
		}
		out.FaceLandmarks = &lm
	}
	return out
}

func (s *Server) registerDetectRoutes() {
	s.handle("POST /detect", s.detect)
}

func (s *Server) detect(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	q := r.URL.Query()
	// returnFaceId defaults to true, unlike the other flags.
	returnFaceID := true
	if q.Get("returnFaceId") != "" {
		var err error
		if returnFaceID, err = queryBool(r, "returnFaceId"); err != nil {
			return err
		}
	}
	landmarks, err := queryBool(r, "returnFaceLandmarks")
	if err != nil {
		return err
	}
	withModel, err := queryBool(r, "returnRecognitionModel")
	if err != nil {
		return err
	}
	ttl, err := queryInt(r, "faceIdTimeToLive")
	if err != nil {
		return err
	}
	p := collections.DetectParams{
		ReturnFaceID:     returnFaceID,
		FaceIDTimeToLive: ttl,
		ReturnLandmarks:  landmarks,
		FaceAttributes:   q.Get("returnFaceAttributes"),
		DetectionModel:   q.Get("detectionModel"),
		RecognitionModel: q.Get("recognitionModel"),
	}
	if p.Image, p.ByURL, p.URL, err = imageBody(w, r); err != nil {
		return err
	}
	faces, err := s.cfg.Collections.Detect(r.Context(), acct, p)
	if err != nil {
		return err
	}
	out := make([]detectedFaceJSON, len(faces))
	for i, f := range faces {
		out[i] = toDetectedFaceJSON(f, withModel)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
