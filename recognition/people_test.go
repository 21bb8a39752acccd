package recognition_test

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"

	"facesnap/engine"
	"facesnap/engine/enginetest"
)

// peopleDir holds the labelled photos of real people (shared/testdata,
// beside the project's root; its README says where they come from).
var peopleDir = filepath.Join("..", "..", "shared", "testdata", "people")

// photo is one face of a labelled photo.
type photo struct {
	person, file string
	feature      []float32
}

var (
	peopleOnce sync.Once
	people     []photo
	multi      map[string][][]float32
	peopleErr  error
)

// labelledPhotos describes every single-person photo (one face each) and
// the faces of the two-person photos, once per test binary. It skips, or
// fails under CI, without the photos or the weights.
func labelledPhotos(t *testing.T) ([]photo, map[string][][]float32) {
	t.Helper()
	if _, err := os.Stat(peopleDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("labelled photos missing under CI: %v", err)
		}
		t.Skipf("labelled photos not found: %v", err)
	}
	eng := enginetest.Engine(t)
	peopleOnce.Do(func() { people, multi, peopleErr = describePeople(eng) })
	if peopleErr != nil {
		t.Fatal(peopleErr)
	}
	return people, multi
}

func describePeople(eng *engine.Engine) ([]photo, map[string][][]float32, error) {
	dirs, err := os.ReadDir(peopleDir)
	if err != nil {
		return nil, nil, err
	}
	var out []photo
	multi := map[string][][]float32{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(peopleDir, d.Name()))
		if err != nil {
			return nil, nil, err
		}
		for _, f := range files {
			feats, err := describeFile(eng, filepath.Join(peopleDir, d.Name(), f.Name()))
			if err != nil {
				return nil, nil, err
			}
			if d.Name() == "multi" {
				multi[f.Name()] = feats
				continue
			}
			if len(feats) != 1 {
				return nil, nil, &faceCountError{d.Name() + "/" + f.Name(), len(feats)}
			}
			out = append(out, photo{person: d.Name(), file: f.Name(), feature: feats[0]})
		}
	}
	return out, multi, nil
}

type faceCountError struct {
	file string
	n    int
}

func (e *faceCountError) Error() string {
	return e.file + ": want one face, found " + strconv.Itoa(e.n)
}

// describeFile detects every face of a photo and describes it, largest
// first.
func describeFile(eng *engine.Engine, path string) ([][]float32, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	decoded, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	img := engine.NewImage(engine.Orient(decoded, engine.JPEGOrientation(data)))
	ctx := context.Background()
	dets, err := eng.Detect(ctx, img)
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for _, d := range dets {
		f, err := eng.Descriptor(ctx, img, d)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// pairDistances are the distances between every two different photos:
// of the same person, and of different people.
func pairDistances(ps []photo) (same, different []float64) {
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			d := float64(dist(ps[i].feature, ps[j].feature))
			if ps[i].person == ps[j].person {
				same = append(same, d)
			} else {
				different = append(different, d)
			}
		}
	}
	sort.Float64s(same)
	sort.Float64s(different)
	return same, different
}

func dist(a, b []float32) float32 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return float32(math.Sqrt(s))
}
