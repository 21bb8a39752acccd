package sdktest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"facesnap/sdktest/harness"
)

// python is Debian's interpreter, whose python3-azure package holds the
// official client azure-cognitiveservices-vision-face 0.6.0.
const python = "/usr/bin/python3"

// TestPythonClient runs the Python suite (sdktest/python, unittest) with
// the official Python client against two real servers sharing a snapshot
// store: A's account on the first, B's on the second. The Python output is
// the failure message. Without the client the test skips, except under CI,
// whose script installs it.
func TestPythonClient(t *testing.T) {
	t.Parallel()
	if err := exec.Command(python, "-c", "import azure.cognitiveservices.vision.face").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the official Python client is not installed (CI is set): apt-get install python3-azure (%v)", err)
		}
		t.Skipf("the official Python client is not installed: apt-get install python3-azure (%v)", err)
	}
	people, err := filepath.Abs(filepath.Join("..", "..", "shared", "testdata", "people"))
	if err != nil {
		t.Fatal(err)
	}
	portrait, err := os.ReadFile(filepath.Join(people, "obama", "1.jpg"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("labelled photos not in %s (CI is set): %v", people, err)
		}
		t.Skipf("labelled photos not in %s: %v", people, err)
	}
	a, b := harness.NewAccount(), harness.NewAccount()
	store := t.TempDir()
	args := []string{"--models", modelsDir(t), "--allow-private-urls"}
	west := harness.Start(t, harness.Options{Accounts: []harness.Account{a}, SnapshotStore: store, ExtraArgs: args})
	east := harness.Start(t, harness.Options{Accounts: []harness.Account{b}, SnapshotStore: store, ExtraArgs: args})

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-m", "unittest", "discover", "-v", "-s", "python", "-p", "test_*.py")
	cmd.Env = append(os.Environ(),
		"FACESNAP_ENDPOINT="+west.Endpoint, "FACESNAP_ENDPOINT2="+east.Endpoint,
		"FACESNAP_KEY_A="+a.Key, "FACESNAP_KEY_B="+b.Key, "FACESNAP_SUB_B="+b.Subscription,
		"FACESNAP_PEOPLE="+people, "FACESNAP_IMAGE_URL="+harness.ServeImage(t, portrait, "image/jpeg"),
		"PYTHONDONTWRITEBYTECODE=1", "PYTHONWARNINGS=ignore", // the client stack's own deprecation noise
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python -m unittest: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
