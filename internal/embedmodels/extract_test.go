package embedmodels

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"weights/a-weights_manifest.json": {Data: []byte(`[]`)},
		"weights/a.bin":                   {Data: []byte{1, 2, 3}},
	}
	parent := t.TempDir()
	dir, err := extract(fsys, parent)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range fsys {
		got, err := os.ReadFile(filepath.Join(dir, filepath.Base(name)))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: %q, %v; want %q", name, got, err, f.Data)
		}
	}
	// A second start reuses the directory; other weights get another.
	if again, err := extract(fsys, parent); err != nil || again != dir {
		t.Errorf("second extract: %q, %v; want %q", again, err, dir)
	}
	fsys["weights/a.bin"] = &fstest.MapFile{Data: []byte{4}}
	if other, err := extract(fsys, parent); err != nil || other == dir {
		t.Errorf("changed weights extracted to %q (%v), want a directory other than %q", other, err, dir)
	}
	if _, err := extract(fstest.MapFS{}, parent); err == nil {
		t.Error("extract of no weights succeeded")
	}
}

func TestExtract_NotEmbedded(t *testing.T) {
	t.Parallel()
	if Enabled {
		t.Skip("built with -tags embedmodels")
	}
	if _, err := Extract(t.TempDir()); err != ErrNotEmbedded {
		t.Errorf("Extract = %v, want ErrNotEmbedded", err)
	}
}
