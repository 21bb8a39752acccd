// Package enginetest gives other packages' tests the face engine and the
// demo images that scripts/fetch-models puts in the models directory.
// Tests that need them skip without them, except under CI, whose script
// always fetches them: CI must never pass by skipping.
//
// The engine package's own tests keep their copy of this: they cannot
// import a package that imports engine.
package enginetest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"facesnap/engine"
)

// ModelsDir is $FACESNAP_MODELS, relative to the repository root where
// the scripts run, or .cache/face-api there. Tests run one directory
// below the root.
func ModelsDir() string {
	if d := os.Getenv("FACESNAP_MODELS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join("..", d)
		}
		return d
	}
	return filepath.Join("..", ".cache", "face-api")
}

var (
	once   sync.Once
	loaded *engine.Engine
	err    error
)

// Engine returns the engine, loaded once per test binary, or skips t
// (fails it under CI) when the weights are missing.
func Engine(t testing.TB) *engine.Engine {
	t.Helper()
	dir := ModelsDir()
	if _, err := os.Stat(filepath.Join(dir, engine.DetectorModel+"-weights_manifest.json")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("face engine weights not in %s (CI is set): run scripts/fetch-models before the tests", dir)
		}
		t.Skipf("face engine weights not in %s: run scripts/fetch-models first", dir)
	}
	once.Do(func() { loaded, err = engine.Load(dir) })
	if err != nil {
		t.Fatalf("engine.Load: %v", err)
	}
	return loaded
}

// DemoImage returns a file of the models directory, such as sample1.jpg.
func DemoImage(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModelsDir(), name))
	if err != nil {
		t.Fatalf("demo image (scripts/fetch-models fetches it): %v", err)
	}
	return b
}
