// Package engine runs face detection, 68-point landmarks and 128-d face
// descriptors in Go, with the published weights of the npm package
// @vladmandic/face-api (SSD MobileNet v1, the tiny face detector,
// faceLandmark68Net, faceRecognitionNet), computing what that package
// computes: the same pre-processing, crops, alignment and post-processing.
// The golden tests hold it to the reference's outputs.
//
// There is no cgo and no outside runtime. On amd64 CPUs with AVX2 and FMA
// the matrix products and depthwise convolutions run in Go assembly; the
// portable Go loops serve everywhere else (and under the purego build tag).
//
// The weights are not shipped with facesnap: scripts/fetch-models puts them
// in a directory that Load reads. Nothing is downloaded at run time.
package engine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"

	"facesnap"
)

// Model files Load reads from its directory (each a TensorFlow.js weights
// manifest and the .bin files it names).
const (
	DetectorModel    = "ssd_mobilenetv1_model"
	LandmarkModel    = "face_landmark_68_model"
	RecognitionModel = "face_recognition_model"
	// TinyDetectorModel is optional: without it DetectWith(TinyFaceDetector)
	// fails and everything else works.
	TinyDetectorModel = "tiny_face_detector_model"
)

// Defaults of the detector: the reference's SsdMobilenetv1Options.
const (
	DefaultMinConfidence = 0.5
	DefaultMaxResults    = 100
)

// Engine holds the networks. It is safe for concurrent use (the weights
// are only read); set its tuning fields before sharing it.
type Engine struct {
	ssd         *ssdMobilenet
	tiny        *tinyDetector // nil when its weights are absent
	tinyErr     error
	landmark    *landmarkNet
	recognition *recognitionNet

	// MinConfidence and MaxResults tune SSD MobileNet v1 (Detect);
	// TinyInputSize (a multiple of 32) and TinyScoreThreshold tune the tiny
	// detector. Load sets the reference's defaults.
	MinConfidence      float32
	MaxResults         int
	TinyInputSize      int
	TinyScoreThreshold float32
}

// Detector selects the face detector of DetectWith.
type Detector int

const (
	// SSDMobilenetV1 finds the most faces; Detect uses it, and it is
	// what detection_01 should map to.
	SSDMobilenetV1 Detector = iota
	// TinyFaceDetector is several times cheaper but misses small, turned
	// and partly hidden faces that SSD MobileNet v1 finds.
	TinyFaceDetector
)

// Load reads the weights from dir. A missing file is a
// *MissingWeightsError that names it and the set-up command.
func Load(dir string) (*Engine, error) {
	e := &Engine{
		MinConfidence: DefaultMinConfidence, MaxResults: DefaultMaxResults,
		TinyInputSize: DefaultTinyInputSize, TinyScoreThreshold: DefaultTinyScoreThreshold,
	}
	m, err := loadWeights(dir, DetectorModel)
	if err != nil {
		return nil, err
	}
	if e.ssd, err = newSSDMobilenet(m); err != nil {
		return nil, weightsError(DetectorModel, err)
	}
	if m, err = loadWeights(dir, LandmarkModel); err != nil {
		return nil, err
	}
	if e.landmark, err = newLandmarkNet(m); err != nil {
		return nil, weightsError(LandmarkModel, err)
	}
	if m, err = loadWeights(dir, RecognitionModel); err != nil {
		return nil, err
	}
	if e.recognition, err = newRecognitionNet(m); err != nil {
		return nil, weightsError(RecognitionModel, err)
	}
	var missing *MissingWeightsError
	switch m, err = loadWeights(dir, TinyDetectorModel); {
	case errors.As(err, &missing):
		e.tinyErr = err
	case err != nil:
		return nil, err
	default:
		if e.tiny, err = newTinyDetector(m); err != nil {
			return nil, weightsError(TinyDetectorModel, err)
		}
	}
	return e, nil
}

func weightsError(model string, err error) error {
	return &WeightsError{Model: model, Err: err}
}

// WeightsError reports weights that do not fit the network they are for.
type WeightsError struct {
	Model string
	Err   error
}

func (e *WeightsError) Error() string { return "face engine model " + e.Model + ": " + e.Err.Error() }
func (e *WeightsError) Unwrap() error { return e.Err }

// Point is a position in image pixels.
type Point struct{ X, Y float64 }

// Box is a face box in image pixels, with the fractions the networks give.
type Box struct{ X, Y, Width, Height float64 }

// Detection is one face found in an image.
type Detection struct {
	// Rect is Box rounded to whole pixels and kept inside the image, as
	// the API reports it.
	Rect facesnap.Rect
	Box  Box
	// Score is the detector's confidence, 0..1; zero for a face the
	// caller placed (Locate).
	Score float32
	// Landmarks are the 68 points of the iBUG 300-W scheme (jaw 0-16,
	// brows 17-26, nose 27-35, eyes 36-47, mouth 48-67), in image pixels.
	Landmarks [68]Point

	// crop is the region the landmarks were computed in: the descriptor's
	// alignment measures the face against it, as the reference does.
	crop image.Rectangle
}

// Image is an image converted once for the networks. Passing one *Image to
// Detect and then Descriptor saves a conversion per call.
type Image struct {
	image.Image
	rgb *rgbImage
}

// NewImage converts img for the engine.
func NewImage(img image.Image) *Image {
	if p, ok := img.(*Image); ok {
		return p
	}
	return &Image{Image: img, rgb: toRGB(img)}
}

// Detect finds the faces in img with SSD MobileNet v1, largest first, each
// with its landmarks.
func (e *Engine) Detect(ctx context.Context, img image.Image) ([]Detection, error) {
	return e.DetectWith(ctx, img, SSDMobilenetV1)
}

// DetectWith is Detect with a choice of detector.
func (e *Engine) DetectWith(ctx context.Context, img image.Image, d Detector) ([]Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := NewImage(img)
	var raw []rawDetection
	switch d {
	case SSDMobilenetV1:
		raw = e.ssd.detect(p.rgb, e.MinConfidence, e.MaxResults)
	case TinyFaceDetector:
		var err error
		if raw, err = e.tinyDetect(p, e.TinyInputSize); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown detector %d", d)
	}
	dets := make([]Detection, 0, len(raw))
	for _, r := range raw {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		box := Box{r.x, r.y, r.w, r.h}
		d, ok := e.locate(p.rgb, box)
		if !ok {
			continue // the box lies outside the image
		}
		// The tiny detector's boxes may reach past the edges; the API's
		// rectangles stay inside the image.
		d.Rect = clampRect(d.Rect, p.rgb.w, p.rgb.h)
		d.Score = r.score
		dets = append(dets, d)
	}
	sort.SliceStable(dets, func(i, j int) bool {
		return dets[i].Box.Width*dets[i].Box.Height > dets[j].Box.Width*dets[j].Box.Height
	})
	return dets, nil
}

// FindFaces returns the boxes of the faces the tiny detector finds in img
// at inputSize (a positive multiple of 32), without landmarks: a cheap
// look, such as whether a rectangle holds a face. Without the tiny
// detector's weights it returns their *MissingWeightsError.
func (e *Engine) FindFaces(ctx context.Context, img image.Image, inputSize int) ([]facesnap.Rect, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := NewImage(img)
	raw, err := e.tinyDetect(p, inputSize)
	if err != nil {
		return nil, err
	}
	rects := make([]facesnap.Rect, 0, len(raw))
	for _, r := range raw {
		rects = append(rects, clampRect(roundRect(Box{r.x, r.y, r.w, r.h}), p.rgb.w, p.rgb.h))
	}
	return rects, nil
}

// tinyDetect runs the tiny detector on p at inputSize, if it is loaded.
func (e *Engine) tinyDetect(p *Image, inputSize int) ([]rawDetection, error) {
	if e.tiny == nil {
		return nil, e.tinyErr
	}
	if inputSize <= 0 || inputSize%32 != 0 {
		return nil, fmt.Errorf("tiny face detector: input size %d is not a positive multiple of 32", inputSize)
	}
	return e.tiny.detect(p.rgb, inputSize, e.TinyScoreThreshold), nil
}

// Locate computes the landmarks of a face the caller placed at r (the
// API's targetFace), so that Descriptor can align it.
func (e *Engine) Locate(ctx context.Context, img image.Image, r facesnap.Rect) (Detection, error) {
	if err := ctx.Err(); err != nil {
		return Detection{}, err
	}
	p := NewImage(img)
	d, ok := e.locate(p.rgb, Box{float64(r.Left), float64(r.Top), float64(r.Width), float64(r.Height)})
	if !ok {
		return Detection{}, ErrEmptyFace
	}
	return d, nil
}

// ErrEmptyFace is returned for a face rectangle with no pixels inside the
// image.
var ErrEmptyFace = errors.New("face rectangle has no pixels inside the image")

// locate runs the landmark net on box, cropped as the reference crops it.
func (e *Engine) locate(img *rgbImage, box Box) (Detection, bool) {
	crop := clipFloor(box, img.w, img.h)
	if crop.Empty() {
		return Detection{}, false
	}
	pts := e.landmark.landmarks(img, crop)
	d := Detection{Box: box, Rect: roundRect(box), crop: crop}
	// The reference shifts the crop-relative points by the unfloored box
	// corner.
	for i, pt := range pts {
		d.Landmarks[i] = Point{pt.x + box.X, pt.y + box.Y}
	}
	return d, true
}

// Descriptor computes the 128-d descriptor of a detected face: the face is
// cropped around its eyes and mouth (the reference's dlib-style
// alignment) and passed to the recognition net.
func (e *Engine) Descriptor(ctx context.Context, img image.Image, det Detection) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if det.crop.Empty() {
		return nil, ErrEmptyFace // not a Detection from Detect or Locate
	}
	p := NewImage(img)
	crop := clipFloor(alignBox(det), p.rgb.w, p.rgb.h)
	if crop.Empty() {
		return nil, ErrEmptyFace
	}
	return e.recognition.descriptor(p.rgb, crop), nil
}

// alignBox is FaceLandmarks.align with useDlibAlignment: a square of side
// (mean eye-to-mouth distance)/0.45 placed by the centre of the eyes and
// mouth.
func alignBox(det Detection) Box {
	center := func(lo, hi int) Point {
		var p Point
		for _, q := range det.Landmarks[lo:hi] {
			p.X += q.X
			p.Y += q.Y
		}
		n := float64(hi - lo)
		return Point{p.X / n, p.Y / n}
	}
	left, right, mouth := center(36, 42), center(42, 48), center(48, 68)
	dist := func(a Point) float64 { return math.Hypot(mouth.X-a.X, mouth.Y-a.Y) }
	size := math.Floor((dist(left) + dist(right)) / 2 / 0.45)
	ref := Point{(left.X + right.X + mouth.X) / 3, (left.Y + right.Y + mouth.Y) / 3}
	x := math.Floor(math.Max(0, ref.X-0.5*size))
	y := math.Floor(math.Max(0, ref.Y-0.43*size))
	// The reference bounds the side by the landmark crop's size plus the
	// offset; kept for identical crops.
	w := math.Min(size, float64(det.crop.Dx())+x)
	h := math.Min(size, float64(det.crop.Dy())+y)
	return Box{x, y, w, h}
}

// clipFloor is Box.clipAtImageBorders: the box clipped to the image, each
// of x, y, width and height floored.
func clipFloor(b Box, w, h int) image.Rectangle {
	x := math.Max(b.X, 0)
	y := math.Max(b.Y, 0)
	cw := math.Min(b.X+b.Width-x, float64(w)-x)
	ch := math.Min(b.Y+b.Height-y, float64(h)-y)
	fx, fy := int(math.Floor(x)), int(math.Floor(y))
	fw, fh := int(math.Floor(cw)), int(math.Floor(ch))
	if fw <= 0 || fh <= 0 || fx >= w || fy >= h {
		return image.Rectangle{}
	}
	// Flooring x and width separately can reach one past the edge.
	return image.Rect(fx, fy, min(fx+fw, w), min(fy+fh, h))
}

func clampRect(r facesnap.Rect, w, h int) facesnap.Rect {
	x0, y0 := max(r.Left, 0), max(r.Top, 0)
	x1, y1 := min(r.Left+r.Width, w), min(r.Top+r.Height, h)
	return facesnap.Rect{Left: x0, Top: y0, Width: max(x1-x0, 0), Height: max(y1-y0, 0)}
}

func roundRect(b Box) facesnap.Rect {
	return facesnap.Rect{
		Left: int(math.Round(b.X)), Top: int(math.Round(b.Y)),
		Width: int(math.Round(b.Width)), Height: int(math.Round(b.Height)),
	}
}
