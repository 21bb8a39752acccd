package engine

import (
	"context"
	"testing"
)

// Benchmarks of the pipeline stages; scripts/bench-engine reports them
// beside the reference.

func BenchmarkDetect(b *testing.B) {
	eng := setup(b)
	img := loadSample(b, "sample1")
	for b.Loop() {
		if _, err := eng.Detect(context.Background(), img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescriptor(b *testing.B) {
	eng := setup(b)
	img := loadSample(b, "sample1")
	dets, err := eng.Detect(context.Background(), img)
	if err != nil || len(dets) == 0 {
		b.Fatal("no face", err)
	}
	for b.Loop() {
		if _, err := eng.Descriptor(context.Background(), img, dets[0]); err != nil {
			b.Fatal(err)
		}
	}
}
