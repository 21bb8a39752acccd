package collections

import (
	"context"
	"errors"
	"image"
	"image/draw"
	"math"
	"runtime"
	"slices"

	"facesnap"
	"facesnap/engine"
	"facesnap/faceimage"
)

// Engine finds and describes faces; *engine.Engine is one. Detect and
// Locate work on the upright picture (EXIF orientation applied).
type Engine interface {
	// Detect finds the faces of img, largest first.
	Detect(ctx context.Context, img image.Image) ([]engine.Detection, error)
	// Locate places landmarks on a face the caller framed.
	Locate(ctx context.Context, img image.Image, r facesnap.Rect) (engine.Detection, error)
	// Descriptor is the face's feature vector.
	Descriptor(ctx context.Context, img image.Image, det engine.Detection) ([]float32, error)
}

// NoEngineError answers what needs the face engine on a server that has
// none loaded: the operator, not the client, must act.
type NoEngineError struct{ Message string }

func (e *NoEngineError) Error() string { return e.Message }

// ErrNoEngine is the NoEngineError of a server started without weights.
var ErrNoEngine = &NoEngineError{Message: "Face detection is not available on this server: the face engine's weights are not loaded. " +
	"The operator must run scripts/fetch-models and restart the server with --models DIR (default $FACESNAP_MODELS, else .cache/face-api)."}

// The service's answers when an add-face image does not hold exactly one
// face (its documented InvalidImage messages).
var (
	ErrNoFace       = &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImage, Message: "No face detected in the image."}
	ErrSeveralFaces = &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImage, Message: "There is more than 1 face in the image."}
	// ErrNoFaceInTarget and ErrSeveralFacesInTarget refuse a targetFace
	// that does not frame exactly one face, which the service calls an
	// error; ErrNoFaceInTarget also answers a face the engine cannot
	// read.
	ErrNoFaceInTarget       = &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImage, Message: "No face detected in the image or the specified targetFace area."}
	ErrSeveralFacesInTarget = &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImage, Message: "There is more than 1 face in the specified targetFace area."}
)

// upright is an image as a viewer shows it: its pixels turned by the JPEG's
// EXIF orientation, decoded on demand.
type upright struct {
	img         *faceimage.Image
	orientation int
}

func newUpright(img *faceimage.Image, data []byte) upright {
	return upright{img: img, orientation: engine.JPEGOrientation(data)}
}

// size is the upright width and height, known without decoding: EXIF
// orientations 5 to 8 turn the picture a quarter.
func (u upright) size() (w, h int) {
	if u.orientation >= 5 && u.orientation <= 8 {
		return u.img.Height, u.img.Width
	}
	return u.img.Width, u.img.Height
}

// checkFace checks a targetFace against the upright picture, which is the
// one the client sees and frames.
func (u upright) checkFace(r facesnap.Rect) error {
	w, h := u.size()
	return faceimage.CheckFace(&faceimage.Image{Format: u.img.Format, Width: w, Height: h}, r)
}

// pixels decodes the picture and prepares it for the engine.
func (u upright) pixels() (*engine.Image, error) {
	px, err := u.img.Pixels()
	if err != nil {
		return nil, err
	}
	return engine.NewImage(engine.Orient(px, u.orientation)), nil
}

// engineSlot waits for the engine to take one more image and returns the
// function that gives the slot back.
func (s *Service) engineSlot(ctx context.Context) (func(), error) {
	s.slotsOnce.Do(func() {
		n := s.EngineConcurrency
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		s.slots = make(chan struct{}, n)
	})
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// describeFace finds the one face to persist: the face framed by target
// when it is set, else the only face the detector finds. It returns the
// face's rectangle and descriptor.
func (s *Service) describeFace(ctx context.Context, u upright, target *facesnap.Rect) (facesnap.Rect, []float32, error) {
	release, err := s.engineSlot(ctx)
	if err != nil {
		return facesnap.Rect{}, nil, err
	}
	defer release()
	img, err := u.pixels()
	if err != nil {
		return facesnap.Rect{}, nil, err
	}
	var det engine.Detection
	if target != nil {
		if err := s.checkTarget(ctx, img, *target); err != nil {
			return facesnap.Rect{}, nil, err
		}
		det, err = s.Engine.Locate(ctx, img, *target)
		if errors.Is(err, engine.ErrEmptyFace) {
			return facesnap.Rect{}, nil, ErrNoFaceInTarget
		}
		if err != nil {
			return facesnap.Rect{}, nil, err
		}
	} else {
		faces, err := s.Engine.Detect(ctx, img)
		if err != nil {
			return facesnap.Rect{}, nil, err
		}
		faces = detectable(faces, u)
		switch len(faces) {
		case 0:
			return facesnap.Rect{}, nil, ErrNoFace
		case 1:
			det = faces[0]
		default:
			return facesnap.Rect{}, nil, ErrSeveralFaces
		}
	}
	feature, err := s.Engine.Descriptor(ctx, img, det)
	if errors.Is(err, engine.ErrEmptyFace) {
		return facesnap.Rect{}, nil, ErrNoFaceInTarget
	}
	if err != nil {
		return facesnap.Rect{}, nil, err
	}
	if target != nil {
		// The face persisted is where the caller framed it.
		return *target, feature, nil
	}
	return det.Rect, feature, nil
}

// refWidth × refHeight is the largest picture in which the service
// detects faces down to faceimage.MinFaceSize; a larger picture needs
// proportionally larger faces.
const refWidth, refHeight = 1920, 1080

// detectable keeps the faces the service documents it can detect. A
// smaller box is a guess too rough to persist or to compare later, and
// dropping it keeps add-face ("No face detected") and detect agreeing
// with the limits users read.
func detectable(faces []engine.Detection, u upright) []engine.Detection {
	w, h := u.size()
	long, short := max(w, h), min(w, h)
	scale := max(1, float64(long)/refWidth, float64(short)/refHeight)
	side := int(math.Ceil(faceimage.MinFaceSize * scale))
	kept := faces[:0:0]
	for _, f := range faces {
		if f.Rect.Width >= side && f.Rect.Height >= side {
			kept = append(kept, f)
		}
	}
	return kept
}

// checkTarget refuses a targetFace that does not frame exactly one face.
// It looks at a square around the rectangle, twice its longer side, so
// that a small face in a large picture is seen at a size the detectors
// find well and unstretched. The cheap tiny detector looks first; only if
// it does not see exactly one face does SSD MobileNet v1 decide, on the
// square and then, if it finds none there, on the whole picture: the
// common case costs a fraction of a full detection, and a refusal rests
// on the better detector. A face counts as framed when at least half of
// its box lies in the rectangle; two boxes of which one holds the other's
// centre are one face.
func (s *Service) checkTarget(ctx context.Context, img *engine.Image, target facesnap.Rect) error {
	t := image.Rect(target.Left, target.Top, target.Left+target.Width, target.Top+target.Height)
	c, half := image.Pt((t.Min.X+t.Max.X)/2, (t.Min.Y+t.Max.Y)/2), max(t.Dx(), t.Dy())
	crop := image.Rect(c.X-half, c.Y-half, c.X+half, c.Y+half).Intersect(img.Bounds())
	// Drawn from the decoded picture, which draw reads fast, and made
	// ready for the engine once for both detectors.
	square := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(square, square.Bounds(), img.Image, crop.Min, draw.Src)
	sub := engine.NewImage(square)

	if f, ok := s.Engine.(faceFinder); ok {
		if rects, err := f.FindFaces(ctx, sub, quickInputSize); err == nil && framed(rects, crop.Min, t) == 1 {
			return nil
		}
	}
	n, err := s.framedFaces(ctx, sub, crop.Min, t)
	if err == nil && n == 0 && crop != img.Bounds() {
		n, err = s.framedFaces(ctx, img, img.Bounds().Min, t)
	}
	switch {
	case err != nil:
		return err
	case n == 0:
		return ErrNoFaceInTarget
	case n > 1:
		return ErrSeveralFacesInTarget
	}
	return nil
}

// faceFinder is an Engine with a cheap detector; *engine.Engine is one.
type faceFinder interface {
	FindFaces(ctx context.Context, img image.Image, inputSize int) ([]facesnap.Rect, error)
}

// quickInputSize is the tiny detector's input for checkTarget: the face
// fills a good part of the square, so a small input sees it.
const quickInputSize = 224

// framedFaces counts the faces SSD MobileNet v1 finds in img, whose origin
// lies at at in the picture, that target frames.
func (s *Service) framedFaces(ctx context.Context, img image.Image, at image.Point, target image.Rectangle) (int, error) {
	faces, err := s.Engine.Detect(ctx, img)
	if err != nil {
		return 0, err
	}
	rects := make([]facesnap.Rect, len(faces))
	for i, f := range faces {
		rects[i] = f.Rect
	}
	return framed(rects, at, target), nil
}

// framed counts the faces among rects, in an image whose origin lies at
// at in the picture, that target frames.
func framed(rects []facesnap.Rect, at image.Point, target image.Rectangle) int {
	var faces []image.Rectangle
	for _, r := range rects {
		b := image.Rect(r.Left, r.Top, r.Left+r.Width, r.Top+r.Height).Add(at)
		if b.Dx() < faceimage.MinFaceSize || b.Dy() < faceimage.MinFaceSize || 2*area(b.Intersect(target)) < area(b) {
			continue
		}
		center := image.Pt((b.Min.X+b.Max.X)/2, (b.Min.Y+b.Max.Y)/2)
		if !slices.ContainsFunc(faces, func(o image.Rectangle) bool {
			return center.In(o) || image.Pt((o.Min.X+o.Max.X)/2, (o.Min.Y+o.Max.Y)/2).In(b)
		}) {
			faces = append(faces, b)
		}
	}
	return len(faces)
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
