package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"facesnap"
)

// The golden tests compare the engine with the reference implementation's
// outputs in testdata/golden, made by scripts/gen-golden.

type goldenFace struct {
	Score      float64      `json:"score"`
	Box        goldenBox    `json:"box"`
	Landmarks  [][2]float64 `json:"landmarks"`
	AlignedBox goldenBox    `json:"alignedBox"`
	Descriptor []float32    `json:"descriptor"`
}

type goldenBox struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type goldenImage struct {
	Image     string       `json:"image"`
	Width     int          `json:"width"`
	Height    int          `json:"height"`
	Faces     []goldenFace `json:"faces"`
	TinyFaces []goldenFace `json:"tinyFaces"` // score and box only
}

var samples = []string{"sample1", "sample2", "sample3", "sample4", "sample5", "sample6"}

// modelsDir is where scripts/fetch-models puts the weights and images:
// $FACESNAP_MODELS (relative to the repository root, where the scripts
// run) or .cache/face-api there. Tests run in engine/.
func modelsDir() string {
	if d := os.Getenv("FACESNAP_MODELS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join("..", d)
		}
		return d
	}
	return filepath.Join("..", ".cache", "face-api")
}

var (
	loadOnce   sync.Once
	loadedEng  *Engine
	loadErr    error
	imageCache sync.Map
)

// setup returns the engine, skipping the test when the weights have not
// been fetched.
func setup(t testing.TB) *Engine {
	t.Helper()
	dir := modelsDir()
	if _, err := os.Stat(filepath.Join(dir, DetectorModel+"-weights_manifest.json")); err != nil {
		// CI must never pass by skipping: its script fetches the weights.
		if os.Getenv("CI") != "" {
			t.Fatalf("face engine weights not in %s (CI is set): run scripts/fetch-models before the tests", dir)
		}
		t.Skipf("face engine weights not in %s: run scripts/fetch-models first", dir)
	}
	loadOnce.Do(func() { loadedEng, loadErr = Load(dir) })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return loadedEng
}

func loadSample(t testing.TB, name string) *Image {
	t.Helper()
	if v, ok := imageCache.Load(name); ok {
		return v.(*Image)
	}
	f, err := os.Open(filepath.Join(modelsDir(), name+".jpg"))
	if err != nil {
		t.Fatalf("open sample: %v", err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	p := NewImage(img)
	imageCache.Store(name, p)
	return p
}

func loadGolden(t testing.TB, name string) goldenImage {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenImage
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func iou(a Box, b goldenBox) float64 {
	ix := math.Max(0, math.Min(a.X+a.Width, b.X+b.Width)-math.Max(a.X, b.X))
	iy := math.Max(0, math.Min(a.Y+a.Height, b.Y+b.Height)-math.Max(a.Y, b.Y))
	inter := ix * iy
	return inter / (a.Width*a.Height + b.Width*b.Height - inter)
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func TestEngine_Golden(t *testing.T) {
	eng := setup(t)
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name)
			img := loadSample(t, name)
			dets, err := eng.Detect(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			if len(dets) != len(g.Faces) {
				t.Errorf("found %d faces, reference %d", len(dets), len(g.Faces))
			}
			for i, ref := range g.Faces {
				best, bestIoU := -1, 0.0
				for j, d := range dets {
					if v := iou(d.Box, ref.Box); v > bestIoU {
						best, bestIoU = j, v
					}
				}
				if best < 0 || bestIoU < 0.95 {
					t.Errorf("face %d %+v: best IoU %.4f < 0.95", i, ref.Box, bestIoU)
					continue
				}
				d := dets[best]
				var maxDist float64
				for k, p := range ref.Landmarks {
					maxDist = math.Max(maxDist, math.Hypot(d.Landmarks[k].X-p[0], d.Landmarks[k].Y-p[1]))
				}
				if maxDist > 1.5 {
					t.Errorf("face %d: landmark off by %.3f px (> 1.5)", i, maxDist)
				}
				desc, err := eng.Descriptor(context.Background(), img, d)
				if err != nil {
					t.Fatal(err)
				}
				cos := cosine(desc, ref.Descriptor)
				if cos < 0.999 {
					t.Errorf("face %d: descriptor cosine %.5f < 0.999", i, cos)
				}
				t.Logf("face %d: IoU %.4f score %.4f/%.4f landmarks max %.3f px descriptor cosine %.6f",
					i, bestIoU, d.Score, ref.Score, maxDist, cos)
			}
		})
	}
}

// TestEngine_GoldenTiny compares the tiny face detector's boxes with the
// reference's (inputSize 416, scoreThreshold 0.5).
func TestEngine_GoldenTiny(t *testing.T) {
	eng := setup(t)
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name)
			dets, err := eng.DetectWith(context.Background(), loadSample(t, name), TinyFaceDetector)
			if err != nil {
				t.Fatal(err)
			}
			if len(dets) != len(g.TinyFaces) {
				t.Errorf("found %d faces, reference %d", len(dets), len(g.TinyFaces))
			}
			for i, ref := range g.TinyFaces {
				best := 0.0
				for _, d := range dets {
					best = math.Max(best, iou(d.Box, ref.Box))
				}
				if best < 0.95 {
					t.Errorf("face %d %+v: best IoU %.4f < 0.95", i, ref.Box, best)
				}
				t.Logf("face %d: IoU %.4f", i, best)
			}
		})
	}
}

// TestEngine_Concurrent runs several images at once through one Engine,
// as concurrent requests do, and expects what each gives alone.
func TestEngine_Concurrent(t *testing.T) {
	eng := setup(t)
	ctx := context.Background()
	names := []string{"sample1", "sample3", "sample6"}
	errs := make(chan error, len(names))
	for _, name := range names {
		// Loaded here: t.Fatal must not be called from the goroutines.
		g := loadGolden(t, name)
		img := loadSample(t, name)
		go func() {
			dets, err := eng.Detect(ctx, img)
			if err == nil && len(dets) != len(g.Faces) {
				err = fmt.Errorf("%s: %d faces, want %d", name, len(dets), len(g.Faces))
			}
			for i := 0; err == nil && i < len(dets); i++ {
				var desc []float32
				if desc, err = eng.Descriptor(ctx, img, dets[i]); err != nil {
					break
				}
				best := 0.0
				for _, f := range g.Faces {
					best = math.Max(best, cosine(desc, f.Descriptor))
				}
				if best < 0.999 {
					err = fmt.Errorf("%s: face %d matches no reference descriptor (cosine %.5f)", name, i, best)
				}
			}
			errs <- err
		}()
	}
	for range names {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// FindFaces at the engine's tiny input size returns the boxes of
// DetectWith(TinyFaceDetector), without their landmarks.
func TestEngine_FindFaces(t *testing.T) {
	eng := setup(t)
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			img := loadSample(t, name)
			dets, err := eng.DetectWith(context.Background(), img, TinyFaceDetector)
			if err != nil {
				t.Fatal(err)
			}
			rects, err := eng.FindFaces(context.Background(), img, eng.TinyInputSize)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]facesnap.Rect, 0, len(dets))
			for _, d := range dets {
				want = append(want, d.Rect)
			}
			slices.SortFunc(rects, compareRects)
			slices.SortFunc(want, compareRects)
			if !slices.Equal(rects, want) {
				t.Errorf("FindFaces = %+v\nwant the tiny detector's %+v", rects, want)
			}
		})
	}
	if _, err := eng.FindFaces(context.Background(), loadSample(t, samples[0]), 100); err == nil {
		t.Error("FindFaces with an input size that is no multiple of 32: no error")
	}
}

func compareRects(a, b facesnap.Rect) int {
	return cmp.Or(cmp.Compare(a.Left, b.Left), cmp.Compare(a.Top, b.Top), cmp.Compare(a.Width, b.Width), cmp.Compare(a.Height, b.Height))
}
