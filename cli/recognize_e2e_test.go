package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facesnap/client"
)

// TestCLI_Recognition enrols two people from the labelled photos with the
// CLI, trains with --wait and identifies, verifies and groups other photos
// of them (never an enrolled photo) against a real server; then migrates
// the trained group and identifies in the copy without training.
func TestCLI_Recognition(t *testing.T) {
	t.Parallel()
	people := peopleDir(t)
	weights := filepath.Join("..", ".cache", "face-api")
	if _, err := os.Stat(filepath.Join(weights, weightsFile)); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no face engine weights in %s under CI: %v", weights, err)
		}
		t.Skipf("no face engine weights in %s (scripts/fetch-models): %v", weights, err)
	}
	endpoint := startServer(t, keyA+"="+subA+","+keyB+"="+subB, "--models", weights)
	envA := faceEnv(endpoint, keyA)
	photo := func(rel string) string { return filepath.Join(people, rel) }
	mustCLI(t, envA, "group", "create", "people")
	persons := map[string]string{}
	for name, enrolled := range map[string][]string{"obama": {"obama/1.jpg", "obama/2.jpg"}, "kit": {"kit/1.jpg"}} {
		persons[name] = strings.TrimSpace(mustCLI(t, envA, "person", "add", "--group", "people", "--name", name))
		for _, rel := range enrolled {
			mustCLI(t, envA, "face", "add", "--group", "people", "--person", persons[name], photo(rel))
		}
	}
	mustCLI(t, envA, "group", "train", "people", "--wait")

	identify := func(env []string, group, rel string) []client.IdentifyCandidate {
		t.Helper()
		var out []struct {
			Candidates []client.IdentifyCandidate `json:"candidates"`
		}
		if err := json.Unmarshal([]byte(mustCLI(t, env, "face", "identify", "--group", group, photo(rel), "-o", "json")), &out); err != nil || len(out) != 1 {
			t.Fatalf("face identify %s: %v, %d faces", rel, err, len(out))
		}
		return out[0].Candidates
	}
	if c := identify(envA, "people", "obama/3.jpg"); len(c) != 1 || c[0].PersonID != persons["obama"] {
		t.Errorf("obama/3 identified as %+v, want obama %s", c, persons["obama"])
	}
	if c := identify(envA, "people", "unenrolled/lin.png"); len(c) != 0 {
		t.Errorf("a never-enrolled person identified as %+v", c)
	}
	if out := mustCLI(t, envA, "face", "verify", photo("obama/3.jpg"), photo("obama/4.jpg"), "-o", "json"); !strings.Contains(out, `"isIdentical": true`) {
		t.Errorf("verify obama/3 obama/4: %s", out)
	}
	if out := mustCLI(t, envA, "face", "verify", photo("obama/3.jpg"), photo("kit/3.jpg"), "-o", "json"); !strings.Contains(out, `"isIdentical": false`) {
		t.Errorf("verify obama/3 kit/3: %s", out)
	}
	type groupedFace struct {
		File string `json:"file"`
	}
	var grouped struct {
		Groups     [][]groupedFace `json:"groups"`
		MessyGroup []groupedFace   `json:"messyGroup"`
	}
	out := mustCLI(t, envA, "face", "group", photo("obama/3.jpg"), photo("kit/3.jpg"), photo("obama/4.jpg"), "-o", "json")
	if err := json.Unmarshal([]byte(out), &grouped); err != nil || len(grouped.Groups) != 1 || len(grouped.Groups[0]) != 2 || len(grouped.MessyGroup) != 1 || grouped.MessyGroup[0].File != photo("kit/3.jpg") {
		t.Errorf("face group: %v\n%s", err, out)
	}

	// The migrated copy carries the training.
	mustCLI(t, envA, "migrate", "--to-key", keyB, "--id", "people")
	if c := identify(faceEnv(endpoint, keyB), "people", "obama/4.jpg"); len(c) != 1 || c[0].PersonID != persons["obama"] {
		t.Errorf("in the migrated copy obama/4 identified as %+v, want obama", c)
	}
}
