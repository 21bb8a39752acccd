package cli

import (
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"facesnap/collections"
	"facesnap/engine"
)

// defaultModelsDir is where scripts/fetch-models puts the weights when
// FACESNAP_MODELS is not set, relative to the working directory.
var defaultModelsDir = filepath.Join(".cache", "face-api")

const modelsUsage = "face engine weights directory, filled by scripts/fetch-models (default $FACESNAP_MODELS, else " +
	".cache/face-api in the working directory); without weights the server still serves collections, " +
	"but detect and add-face without targetFace are refused"

// detectedFacePurgeInterval is how often expired faceIds are deleted: the
// shortest faceIdTimeToLive is a minute, and the delete is one indexed
// statement.
const detectedFacePurgeInterval = time.Minute

// modelsDir resolves --models: the flag, else FACESNAP_MODELS, else the
// default cache.
func (m *Main) modelsDir(flag string) string {
	if flag != "" {
		return flag
	}
	if d := m.Getenv("FACESNAP_MODELS"); d != "" {
		return d
	}
	return defaultModelsDir
}

// loadEngine loads the face engine. Missing weights are not fatal: the
// server starts without detection (collections.ErrNoEngine explains why to
// clients) and says here how to fix it. Weights that are present but
// broken are an error: the operator meant to have them.
func loadEngine(dir string, log *slog.Logger) (collections.Engine, error) {
	eng, err := engine.Load(dir)
	var missing *engine.MissingWeightsError
	if errors.As(err, &missing) {
		log.Warn("face engine weights missing: detect and add-face without targetFace are refused; run scripts/fetch-models and pass --models DIR",
			"models", dir, "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	log.Info("face engine loaded", "models", dir)
	return eng, nil
}
