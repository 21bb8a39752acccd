package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestContrib_SystemdUnit checks contrib/facesnap.service with
// systemd-analyze verify, which reports unknown keys and bad values as
// warnings: any output fails the test. The unit's ExecStart names the
// installed binary, which verify wants to exist, so the copy checked here
// names the test's binary instead.
func TestContrib_SystemdUnit(t *testing.T) {
	t.Parallel()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit is not verified")
	}
	unit, err := os.ReadFile(filepath.Join("..", "contrib", "facesnap.service"))
	if err != nil {
		t.Fatal(err)
	}
	const installed = "/usr/local/bin/facesnap"
	if !strings.Contains(string(unit), "ExecStart="+installed+" serve --config ") {
		t.Fatalf("the unit does not start %s serve --config", installed)
	}
	path := filepath.Join(t.TempDir(), "facesnap.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), installed, cliBin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestContrib_Config checks that the unit's example config is one serve
// accepts.
func TestContrib_Config(t *testing.T) {
	t.Parallel()
	m := &Main{Getenv: env(nil)}
	cmd := m.serveCommand()
	if err := loadServeConfig(filepath.Join("..", "contrib", "facesnap.toml"), cmd.Flags()); err != nil {
		t.Fatal(err)
	}
}
