package cli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestModelsSearch(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	exeDir := filepath.Join(root, "opt", "facesnap")
	cache := filepath.Join(root, "cache")
	withWeights := func(dir string) string {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, weightsFile), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	beside := filepath.Join(exeDir, "models")
	inCache := filepath.Join(cache, "facesnap", "face-api")
	empty := filepath.Join(root, "empty")
	embedded := filepath.Join(root, "extracted")
	if err := os.MkdirAll(exeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		flag, env string
		present   []string // directories that hold weights
		noExe     bool
		want      string
		// extracted: whether the embedded weights were asked for, which
		// costs their hash and maybe a write.
		extracted bool
	}{
		{"Flag", "/given", "/env", []string{beside}, false, "/given", false},
		{"EmbeddedBeforeBeside", "", "", []string{embedded, beside}, false, embedded, true},
		{"EnvHolds", "", withWeights(filepath.Join(root, "env")), nil, false, filepath.Join(root, "env"), false},
		{"EnvEmptyThenBeside", "", empty, []string{beside}, false, beside, true},
		{"BesideBeforeCache", "", "", []string{beside, inCache}, false, beside, true},
		{"Cache", "", "", []string{inCache}, true, inCache, true},
		{"NoneFallsBackToCheckout", "", "", nil, false, filepath.Join(".cache", "face-api"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the cases add and remove the same directories.
			for _, d := range []string{beside, inCache, embedded} {
				os.RemoveAll(d)
			}
			for _, d := range tt.present {
				withWeights(d)
			}
			extracted := false
			s := modelsSearch{
				getenv: env(map[string]string{"FACESNAP_MODELS": tt.env}),
				executable: func() (string, error) {
					if tt.noExe {
						return "", errors.New("no executable")
					}
					return filepath.Join(exeDir, "facesnap"), nil
				},
				userCacheDir: func() (string, error) { return cache, nil },
				embedded: func() (string, error) {
					extracted = true
					if _, err := os.Stat(embedded); err != nil {
						return "", err
					}
					return embedded, nil
				},
			}
			got := s.dir(tt.flag)
			if extracted != tt.extracted {
				t.Errorf("embedded weights extracted: %v, want %v", extracted, tt.extracted)
			}
			if got != tt.want {
				t.Errorf("dir = %q, want %q (candidates %q)", got, tt.want, slices.Collect(s.candidates))
			}
		})
	}
}
