package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// param is one named weight of a network, dequantised to float32 and kept
// in TensorFlow's layout (conv filters are [kh, kw, in, out]).
type param struct {
	shape []int
	data  []float32
}

func (p *param) size() int {
	n := 1
	for _, d := range p.shape {
		n *= d
	}
	return n
}

// weightMap holds a network's weights by the names the manifest gives them.
type weightMap map[string]*param

// manifestGroup is one entry of a TensorFlow.js weights manifest: the
// weights listed are stored back to back across the files in paths.
type manifestGroup struct {
	Paths   []string        `json:"paths"`
	Weights []manifestEntry `json:"weights"`
}

type manifestEntry struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization"`
}

// quantization describes how an entry was stored: uint8 and uint16 values
// map to q*scale+min; float16 values are IEEE half floats.
type quantization struct {
	Dtype string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}

// MissingWeightsError reports a weights file that is not where the engine
// looks for it, and how to put it there.
type MissingWeightsError struct {
	Path string
	Err  error
}

func (e *MissingWeightsError) Error() string {
	return fmt.Sprintf("face engine weights missing: %s (run scripts/fetch-models to fetch them into the models directory)", e.Path)
}

func (e *MissingWeightsError) Unwrap() error { return e.Err }

// loadWeights reads dir/<model>-weights_manifest.json and the binary files
// it names.
func loadWeights(dir, model string) (weightMap, error) {
	manifestPath := filepath.Join(dir, model+"-weights_manifest.json")
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &MissingWeightsError{Path: manifestPath, Err: err}
		}
		return nil, fmt.Errorf("read weights manifest: %w", err)
	}
	var groups []manifestGroup
	if err := json.Unmarshal(raw, &groups); err != nil {
		return nil, fmt.Errorf("parse weights manifest %s: %w", manifestPath, err)
	}
	m := weightMap{}
	for _, g := range groups {
		var buf []byte
		for _, p := range g.Paths {
			// Paths are relative to the manifest; a path that leaves the
			// directory is not one a published model would use.
			if !filepath.IsLocal(p) {
				return nil, fmt.Errorf("weights manifest %s: path %q outside the models directory", manifestPath, p)
			}
			full := filepath.Join(dir, p)
			b, err := os.ReadFile(full)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil, &MissingWeightsError{Path: full, Err: err}
				}
				return nil, fmt.Errorf("read weights: %w", err)
			}
			buf = append(buf, b...)
		}
		if err := decodeGroup(m, g.Weights, buf); err != nil {
			return nil, fmt.Errorf("weights %s: %w", manifestPath, err)
		}
	}
	return m, nil
}

// decodeGroup consumes buf entry by entry, as TensorFlow.js does.
func decodeGroup(m weightMap, entries []manifestEntry, buf []byte) error {
	off := 0
	for _, e := range entries {
		p := &param{shape: e.Shape}
		n := p.size()
		storage := e.Dtype
		if e.Quantization != nil {
			storage = e.Quantization.Dtype
		}
		width, ok := map[string]int{"float32": 4, "int32": 4, "uint8": 1, "uint16": 2, "float16": 2}[storage]
		if !ok {
			return fmt.Errorf("%s: unsupported storage type %q", e.Name, storage)
		}
		if off+n*width > len(buf) {
			return fmt.Errorf("%s: weights file too short (need %d bytes at %d, have %d)", e.Name, n*width, off, len(buf))
		}
		b := buf[off : off+n*width]
		off += n * width
		p.data = make([]float32, n)
		isInt := e.Dtype == "int32"
		for i := range p.data {
			var v float64
			switch storage {
			case "float32":
				v = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			case "int32":
				v = float64(int32(binary.LittleEndian.Uint32(b[4*i:])))
			case "uint8":
				v = float64(b[i])*e.Quantization.Scale + e.Quantization.Min
			case "uint16":
				v = float64(binary.LittleEndian.Uint16(b[2*i:]))*e.Quantization.Scale + e.Quantization.Min
			case "float16":
				v = float64(halfToFloat(binary.LittleEndian.Uint16(b[2*i:])))
			}
			if isInt && e.Quantization != nil {
				// TensorFlow.js rounds dequantised integers.
				v = math.Round(v)
			}
			p.data[i] = float32(v)
		}
		m[e.Name] = p
	}
	return nil
}

// halfToFloat converts an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for frac&0x400 == 0 {
			frac <<= 1
			e--
		}
		frac &= 0x3ff
		return math.Float32frombits(sign | e<<23 | frac<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// get returns the named weight, checking its rank and, for dims > 0,
// its shape.
func (m weightMap) get(name string, dims ...int) (*param, error) {
	p, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("weight %s not in manifest", name)
	}
	if len(p.shape) != len(dims) {
		return nil, fmt.Errorf("weight %s: shape %v, want rank %d", name, p.shape, len(dims))
	}
	for i, d := range dims {
		if d > 0 && p.shape[i] != d {
			return nil, fmt.Errorf("weight %s: shape %v, want %v", name, p.shape, dims)
		}
	}
	return p, nil
}
