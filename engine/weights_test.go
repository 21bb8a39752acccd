package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadWeights(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	manifest := `[{"paths": ["m.bin"], "weights": [
		{"name": "f", "shape": [2], "dtype": "float32"},
		{"name": "q8", "shape": [3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
		{"name": "q16", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 2}},
		{"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
		{"name": "i", "shape": [1], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 0.4, "min": 0}}
	]}]`
	var bin []byte
	bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(1.5))
	bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(-2))
	bin = append(bin, 0, 2, 255)
	bin = binary.LittleEndian.AppendUint16(bin, 0)
	bin = binary.LittleEndian.AppendUint16(bin, 1000)
	bin = binary.LittleEndian.AppendUint16(bin, 0x3C00) // 1.0
	bin = binary.LittleEndian.AppendUint16(bin, 0xC100) // -2.5
	bin = append(bin, 4)                                // 1.6 rounds to 2
	if err := os.WriteFile(filepath.Join(dir, "m-weights_manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "m.bin"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := loadWeights(dir, "m")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{
		"f":   {1.5, -2},
		"q8":  {-1, 0, 126.5},
		"q16": {2, 252},
		"h":   {1, -2.5},
		"i":   {2},
	}
	for name, w := range want {
		p, ok := m[name]
		if !ok {
			t.Fatalf("%s missing", name)
		}
		for i := range w {
			if p.data[i] != w[i] {
				t.Errorf("%s = %v, want %v", name, p.data, w)
				break
			}
		}
	}

	t.Run("ErrShortFile", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "m.bin"), bin[:10], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loadWeights(dir, "m"); err == nil || !strings.Contains(err.Error(), "too short") {
			t.Errorf("err = %v, want a short-file error", err)
		}
	})
}

func TestLoad_ErrMissingWeights(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Load(dir)
	var missing *MissingWeightsError
	if !errors.As(err, &missing) {
		t.Fatalf("err = %v, want *MissingWeightsError", err)
	}
	if !strings.Contains(missing.Path, DetectorModel) || !strings.Contains(err.Error(), "scripts/fetch-models") {
		t.Errorf("message %q should name the file and scripts/fetch-models", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err should wrap os.ErrNotExist")
	}
}

func TestHalfToFloat(t *testing.T) {
	t.Parallel()
	for h, want := range map[uint16]float32{
		0x0000: 0, 0x3C00: 1, 0xC000: -2, 0x7BFF: 65504, 0x0001: 5.9604645e-08, 0x3555: 0.33325195,
	} {
		if got := halfToFloat(h); got != want {
			t.Errorf("halfToFloat(%#x) = %v, want %v", h, got, want)
		}
	}
	if !math.IsInf(float64(halfToFloat(0x7C00)), 1) {
		t.Error("0x7C00 should be +Inf")
	}
}

// TestLoad_WithoutTinyDetector: the tiny detector's weights are optional;
// without them only DetectWith(TinyFaceDetector) fails, naming the file.
func TestLoad_WithoutTinyDetector(t *testing.T) {
	setup(t) // skips without the fetched weights
	dir := t.TempDir()
	for _, model := range []string{DetectorModel, LandmarkModel, RecognitionModel} {
		for _, f := range []string{model + "-weights_manifest.json", model + ".bin"} {
			src, err := filepath.Abs(filepath.Join(modelsDir(), f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(src, filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	eng, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	if _, err := eng.Detect(context.Background(), img); err != nil {
		t.Errorf("Detect: %v", err)
	}
	_, err = eng.DetectWith(context.Background(), img, TinyFaceDetector)
	var missing *MissingWeightsError
	if !errors.As(err, &missing) || !strings.Contains(missing.Path, TinyDetectorModel) {
		t.Errorf("DetectWith(TinyFaceDetector) err = %v, want *MissingWeightsError for %s", err, TinyDetectorModel)
	}
}
