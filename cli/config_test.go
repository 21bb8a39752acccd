package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestServeConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		args    []string          // the command line
		want    map[string]string // flag values after the file
		wantErr string
	}{
		{
			name: "FileOverridesDefaults",
			file: "listen = \"127.0.0.1:9090\"\nworkers = 4\nsnapshot-ttl = \"72h\"\nallow-private-urls = true\nrate-limit = 2.5\n",
			want: map[string]string{"listen": "127.0.0.1:9090", "workers": "4", "snapshot-ttl": "72h0m0s", "allow-private-urls": "true", "rate-limit": "2.5", "log-level": "info"},
		},
		{
			name: "FlagsOverrideFile",
			file: "workers = 4\nlog-level = \"debug\"\n",
			args: []string{"--workers", "3"},
			want: map[string]string{"workers": "3", "log-level": "debug"},
		},
		{name: "UnknownKey", file: "listn = \"x\"\n", wantErr: `unknown key "listn"`},
		{name: "ConfigKey", file: "config = \"other.toml\"\n", wantErr: `unknown key "config"`},
		{name: "BadValue", file: "workers = \"many\"\n", wantErr: `key "workers"`},
		{name: "BadDuration", file: "operation-lease = 10\n", wantErr: `key "operation-lease"`},
		{name: "Table", file: "[listen]\nhost = \"x\"\n", wantErr: `key "listen": want a string`},
		{name: "NotTOML", file: "listen: 127.0.0.1\n", wantErr: "--config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "facesnap.toml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			m := &Main{Getenv: env(nil)}
			cmd := m.serveCommand()
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			err := loadServeConfig(path, cmd.Flags())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ExitCode(err) != exitUsage {
					t.Fatalf("err = %v (exit %d), want a usage error containing %q", err, ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				if got := cmd.Flags().Lookup(k).Value.String(); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestServeConfig_EveryFlag checks that the README's example config sets
// every configurable flag, so that the example stays complete.
func TestServeConfig_EveryFlag(t *testing.T) {
	t.Parallel()
	c, err := readServeConfig(strings.NewReader(readmeServeConfig(t)))
	if err != nil {
		t.Fatalf("README's config example: %v", err)
	}
	m := &Main{Getenv: env(nil)}
	cmd := m.serveCommand()
	if err := c.apply(cmd.Flags()); err != nil {
		t.Fatalf("README's config example: %v", err)
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := c[f.Name]; !ok && !slices.Contains(notConfigurable, f.Name) {
			t.Errorf("README's config example lacks %s", f.Name)
		}
	})
}
