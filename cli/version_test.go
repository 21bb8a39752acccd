package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	t.Parallel()
	const rev = "f7fe6e3c0b04c32a641c1d51f33af654a9097d3e"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-06T21:18:39Z"}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"Release", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: vcs("false")}, "v1.2.3 " + rev + " (go1.26.8)"},
		{"Modified", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")}, "(devel) " + rev + "+modified (go1.26.8)"},
		{"NoVCS", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "(devel) (go1.26.8)"},
		{"NoModuleVersion", debug.BuildInfo{GoVersion: "go1.26.8"}, "(devel) (go1.26.8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := versionOf(&tt.info).String(); got != tt.want {
				t.Errorf("version %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionCommand checks that --version and version agree and name
// the Go version of this very binary.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	flag, cmd := run(t, "--version"), run(t, "version")
	info, _ := debug.ReadBuildInfo()
	if flag != cmd || !strings.HasPrefix(flag, "facesnap ") || !strings.Contains(flag, info.GoVersion) {
		t.Errorf("--version %q, version %q: want one line naming %s", flag, cmd, info.GoVersion)
	}
}
