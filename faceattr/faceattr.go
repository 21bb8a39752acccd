// Package faceattr computes the face attributes of a detect call from what
// the face engine measures: the face's box and detector confidence, its 68
// landmarks and the pixels of the picture. Each attribute has its own file
// and its rules are in the README's "Face attributes" section.
//
// Only attributes that can be computed honestly from those measures are
// served; the rest are refused, never guessed.
package faceattr

import (
	"image"
	"slices"
	"strings"

	"facesnap"
	"facesnap/engine"
)

// Name is an attribute's name in returnFaceAttributes.
type Name string

// The attributes served.
const (
	HeadPose              Name = "headPose"
	Blur                  Name = "blur"
	Exposure              Name = "exposure"
	Noise                 Name = "noise"
	QualityForRecognition Name = "qualityForRecognition"
)

// retired are the attributes the service no longer computes: emotion and
// gender retired, the others limited to approved customers.
var retired = []string{"age", "gender", "smile", "facialHair", "hair", "makeup", "emotion"}

// notComputed are attributes the service serves that facesnap cannot
// derive from its networks: they need classifiers it does not have.
var notComputed = []string{"occlusion", "accessories", "glasses", "mask"}

// byDetectionModel is what each detection model supports, as the service
// documents: detection_02 no attribute at all, detection_03 only head
// pose, blur, mask and quality.
var byDetectionModel = map[string][]string{
	"detection_01": {"headPose", "glasses", "occlusion", "accessories", "blur", "exposure", "noise", "qualityForRecognition"},
	"detection_03": {"headPose", "blur", "mask", "qualityForRecognition"},
}

// qualityRecognitionModels are the recognition models whose features the
// service rates: qualityForRecognition is refused with the others.
var qualityRecognitionModels = []string{"recognition_03", "recognition_04"}

// Set is the attributes a detect call asks for.
type Set []Name

// Has reports whether n was asked for.
func (s Set) Has(n Name) bool { return slices.Contains(s, n) }

// Parse reads returnFaceAttributes, comma-separated, and checks it against
// the detect call's models (already valid names). Names are matched as the
// service matches them, without regard to case; each error is BadArgument.
func Parse(list, detectionModel, recognitionModel string) (Set, error) {
	var set Set
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		name, ok := canonical(raw)
		switch {
		case !ok:
			return nil, facesnap.Invalidf("Invalid argument returnFaceAttributes: '%s' is not a face attribute. Supported values are: %s.", raw, strings.Join(byDetectionModel["detection_01"], ","))
		case slices.Contains(retired, name):
			return nil, facesnap.Invalidf("Face attribute '%s' is not supported: the service retired emotion and gender and limited age, smile, facialHair, hair and makeup, and this server does not compute them.", name)
		}
		supported, ok := byDetectionModel[detectionModel]
		if !ok {
			return nil, facesnap.Invalidf("Face attributes are not supported by %s.", detectionModel)
		}
		if !slices.Contains(supported, name) {
			return nil, facesnap.Invalidf("Only face attributes '%s' are supported by %s.", strings.ToLower(strings.Join(supported, ",")), detectionModel)
		}
		if slices.Contains(notComputed, name) {
			return nil, facesnap.Invalidf("Face attribute '%s' is not computed by this server: it serves headPose, blur, exposure, noise and qualityForRecognition.", name)
		}
		if Name(name) == QualityForRecognition && !slices.Contains(qualityRecognitionModels, recognitionModel) {
			return nil, facesnap.Invalidf("Face attribute 'qualityForRecognition' is only supported with recognition model %s, not %s.", strings.Join(qualityRecognitionModels, " or "), recognitionModel)
		}
		if !set.Has(Name(name)) {
			set = append(set, Name(name))
		}
	}
	return set, nil
}

// canonical is the attribute's spelling in the API, whatever the case of
// raw.
func canonical(raw string) (string, bool) {
	for _, names := range [][]string{byDetectionModel["detection_01"], retired, notComputed} {
		for _, n := range names {
			if strings.EqualFold(n, raw) {
				return n, true
			}
		}
	}
	return "", false
}

// Attributes are one face's answer; a field is nil unless asked for.
type Attributes struct {
	HeadPose              *Pose
	Blur                  *Rated
	Exposure              *Rated
	Noise                 *Rated
	QualityForRecognition string // "" unless asked for
}

// Rated is a measure from 0 to 1 and its level in the service's words.
type Rated struct {
	Level string
	Value float64
}

// Measure computes the attributes of set for the face d of img. img is the
// picture the engine saw (upright).
func Measure(img image.Image, d engine.Detection, set Set) Attributes {
	var a Attributes
	if len(set) == 0 {
		return a
	}
	if e, ok := img.(*engine.Image); ok {
		img = e.Image // the decoded picture, whose pixels read fast
	}
	pose := EstimatePose(d.Landmarks)
	// Blur and exposure read the same resampled face, which is the costly
	// part: it is made once, and only for an attribute that needs it.
	var blur, exposure Rated
	quality := set.Has(QualityForRecognition)
	if quality || set.Has(Blur) || set.Has(Exposure) {
		g := faceGrid(img, d.Rect)
		blur, exposure = blurOf(g), exposureOf(g)
	}
	if set.Has(HeadPose) {
		a.HeadPose = &pose
	}
	if set.Has(Blur) {
		a.Blur = &blur
	}
	if set.Has(Exposure) {
		a.Exposure = &exposure
	}
	if set.Has(Noise) {
		n := MeasureNoise(img, d.Rect)
		a.Noise = &n
	}
	if quality {
		a.QualityForRecognition = Quality(Measures{
			Side: min(d.Rect.Width, d.Rect.Height), Score: d.Score,
			Pose: pose, Blur: blur.Value, Exposure: exposure.Value,
		})
	}
	return a
}

// level names v by the service's bands: below lo, below hi, or above.
func level(v, lo, hi float64, names [3]string) string {
	switch {
	case v < lo:
		return names[0]
	case v < hi:
		return names[1]
	}
	return names[2]
}

// clamp01 keeps v in [0, 1].
func clamp01(v float64) float64 { return max(0, min(1, v)) }
