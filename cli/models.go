package cli

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"facesnap/collections"
	"facesnap/engine"
	"facesnap/internal/embedmodels"
)

const modelsUsage = "face engine weights directory, filled by scripts/fetch-models (default: the first of " +
	"$FACESNAP_MODELS, a models directory beside the executable, USER_CACHE_DIR/facesnap/face-api and " +
	".cache/face-api in the working directory that holds weights); without weights the server still serves " +
	"collections, but detect and add-face without targetFace are refused"

// detectedFacePurgeInterval is how often expired faceIds are deleted: the
// shortest faceIdTimeToLive is a minute, and the delete is one indexed
// statement.
const detectedFacePurgeInterval = time.Minute

// modelsSearch is where serve looks for the weights, injected so that
// tests place the executable and the user's cache where they like.
type modelsSearch struct {
	getenv       func(string) string
	executable   func() (string, error) // os.Executable
	userCacheDir func() (string, error) // os.UserCacheDir
	// embedded extracts the weights built into the binary and returns
	// their directory (embedmodels.ErrNotEmbedded when there are none).
	embedded func() (string, error)
}

// weightsFile is one file of the weights that marks a directory as
// holding them (engine.Load names the missing ones when others are).
const weightsFile = "ssd_mobilenetv1_model-weights_manifest.json"

// candidates yields, in order, the directories that may hold the weights:
// FACESNAP_MODELS, then the weights built into the binary (-tags
// embedmodels), a "models" directory beside the executable (a deployed
// binary), the user's cache (facesnap/face-api, for a binary on the PATH)
// and .cache/face-api in the working directory (a checkout). It yields
// lazily, so a FACESNAP_MODELS that holds the weights spares the start-up
// the hash and extraction of the embedded ones.
func (s modelsSearch) candidates(yield func(string) bool) {
	if d := s.getenv("FACESNAP_MODELS"); d != "" && !yield(d) {
		return
	}
	if s.embedded != nil {
		// An extraction that fails leaves the other places to search.
		if d, err := s.embedded(); err == nil && !yield(d) {
			return
		}
	}
	if exe, err := s.executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		if !yield(filepath.Join(filepath.Dir(exe), "models")) {
			return
		}
	}
	if cache, err := s.userCacheDir(); err == nil {
		if !yield(filepath.Join(cache, "facesnap", "face-api")) {
			return
		}
	}
	yield(filepath.Join(".cache", "face-api"))
}

// dir resolves --models: the flag as given, else the first candidate that
// holds weights, else the last candidate, whose absence loadEngine
// reports.
func (s modelsSearch) dir(flag string) string {
	if flag != "" {
		return flag
	}
	var last string
	for d := range s.candidates {
		if _, err := os.Stat(filepath.Join(d, weightsFile)); err == nil {
			return d
		}
		last = d
	}
	return last
}

func (m *Main) modelsDir(flag string) string {
	return modelsSearch{getenv: m.Getenv, executable: os.Executable, userCacheDir: os.UserCacheDir, embedded: extractEmbedded}.dir(flag)
}

// extractEmbedded writes the binary's own weights, if it has any, into
// the user's cache (or the temporary directory, for a user without one).
func extractEmbedded() (string, error) {
	if !embedmodels.Enabled {
		return "", embedmodels.ErrNotEmbedded
	}
	parent, err := os.UserCacheDir()
	if err != nil {
		parent = os.TempDir()
	}
	return embedmodels.Extract(filepath.Join(parent, "facesnap"))
}

// loadEngine loads the face engine. Missing weights are not fatal: the
// server starts without detection (collections.ErrNoEngine explains why to
// clients) and says here how to fix it. Weights that are present but
// broken are an error: the operator meant to have them.
func loadEngine(dir string, log *slog.Logger) (collections.Engine, error) {
	eng, err := engine.Load(dir)
	var missing *engine.MissingWeightsError
	if errors.As(err, &missing) {
		log.Warn("face engine weights missing: detect and add-face without targetFace are refused; run scripts/fetch-models, or put the weights in a models directory beside the executable, or pass --models DIR",
			"models", dir, "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	log.Info("face engine loaded", "models", dir)
	return eng, nil
}
