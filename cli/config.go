package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"
)

// serveConfig is a serve config file: TOML whose keys are serve's flag
// names (listen = "…", workers = 4, snapshot-ttl = "72h"). It is applied
// through the flags themselves, so each key is parsed and checked exactly
// as its flag is, and a new flag is a config key without more code.
// BurntSushi/toml: the reference TOML decoder for Go, maintained, with
// no dependencies of its own.
type serveConfig map[string]any

// notConfigurable are the flags a config file cannot set.
var notConfigurable = []string{"config", "help"}

// readServeConfig decodes a config file.
func readServeConfig(r io.Reader) (serveConfig, error) {
	var c serveConfig
	if _, err := toml.NewDecoder(r).Decode(&c); err != nil {
		return nil, err
	}
	return c, nil
}

// apply sets every flag the command line did not set to the file's value:
// flags override the file, and the file overrides the defaults. An
// unknown key or a bad value is an error naming it.
func (c serveConfig) apply(flags *pflag.FlagSet) error {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error is the same on every run
	for _, k := range keys {
		f := flags.Lookup(k)
		if f == nil || slices.Contains(notConfigurable, k) {
			return fmt.Errorf("unknown key %q: the keys are serve's flag names (facesnap serve --help)", k)
		}
		if f.Changed {
			continue
		}
		var s string
		switch v := c[k].(type) {
		case string:
			s = v
		case bool:
			s = strconv.FormatBool(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		case float64:
			s = strconv.FormatFloat(v, 'g', -1, 64)
		default:
			return fmt.Errorf("key %q: want a string, number or boolean, not %T", k, v)
		}
		if err := f.Value.Set(s); err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
	}
	return nil
}

// loadServeConfig reads path and applies it to flags.
func loadServeConfig(path string, flags *pflag.FlagSet) error {
	file, err := os.Open(path)
	if err != nil {
		return usageErrorf("--config: %w", err)
	}
	defer file.Close()
	c, err := readServeConfig(file)
	if err != nil {
		return usageErrorf("--config %s: %w", path, err)
	}
	if err := c.apply(flags); err != nil {
		return usageErrorf("--config %s: %w", path, err)
	}
	return nil
}
