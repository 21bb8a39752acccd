package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is what the binary knows of its build: the module version
// (go install …@v1.2.3 sets it; a build in a checkout says "(devel)") and
// the VCS stamp that go build adds in a git checkout.
type version struct {
	Module   string `json:"module"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
}

func buildVersion() version {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version{Module: "unknown"}
	}
	return versionOf(info)
}

// versionOf reads what go build recorded. A build with -buildvcs=false,
// or outside a git checkout, records no vcs settings.
func versionOf(info *debug.BuildInfo) version {
	v := version{Module: info.Main.Version, Go: info.GoVersion}
	if v.Module == "" {
		v.Module = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the one line of --version.
func (v version) String() string {
	s := v.Module
	if v.Revision != "" {
		s += " " + v.Revision
		if v.Modified {
			s += "+modified"
		}
	}
	if v.Go != "" {
		s += " (" + v.Go + ")"
	}
	return s
}

func (m *Main) versionCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the module version and VCS revision of this binary",
		Args:  args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			v := buildVersion()
			if output == "json" {
				return writeJSON(m.Stdout, v)
			}
			fmt.Fprintf(m.Stdout, "facesnap %s\n", v)
			return nil
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}
