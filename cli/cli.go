package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"facesnap/client"
)

// The environment names of the service's own samples, so that a shell set
// up for them works unchanged.
const (
	envEndpoint = "FACE_ENDPOINT"
	envKey      = "FACE_SUBSCRIPTION_KEY"
)

// registerClientCommands adds the commands that talk to a server through
// facesnap/client, and documents their exit codes in the root's help.
func (m *Main) registerClientCommands(root *cobra.Command) {
	root.Long = root.Short + ".\n\n" + exitCodesHelp
	root.AddCommand(
		m.snapshotCommand(),
		m.operationCommand(),
		m.migrateCommand(),
		m.groupCommand(),
		m.personCommand(),
		m.faceCommand(),
		m.detectCommand(),
	)
}

// apiOptions are the flags every client command shares.
type apiOptions struct {
	endpoint string
	key      string
	output   string
}

// addAPIFlags adds --endpoint, --key and --output to a command group, and
// makes its flag mistakes usage errors (exit 2).
func (m *Main) addAPIFlags(cmd *cobra.Command, o *apiOptions) {
	f := cmd.PersistentFlags()
	f.StringVar(&o.endpoint, "endpoint", "", "server URL, such as http://127.0.0.1:8080 (default $"+envEndpoint+")")
	f.StringVar(&o.key, "key", "", "subscription key (default $"+envKey+")")
	addOutputFlag(cmd, &o.output)
}

func addOutputFlag(cmd *cobra.Command, output *string) {
	cmd.PersistentFlags().StringVarP(output, "output", "o", "text", "output format: text, or json for one JSON document on stdout")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
}

// client returns a client for the endpoint and key of the flags or, in
// their absence, of the environment.
func (m *Main) client(o *apiOptions) (*client.Client, error) {
	if err := checkOutput(o.output); err != nil {
		return nil, err
	}
	endpoint, key := o.endpoint, o.key
	if endpoint == "" {
		endpoint = m.Getenv(envEndpoint)
	}
	if key == "" {
		key = m.Getenv(envKey)
	}
	if endpoint == "" {
		return nil, usageErrorf("no endpoint: pass --endpoint or set %s", envEndpoint)
	}
	if key == "" {
		return nil, usageErrorf("no key: pass --key or set %s", envKey)
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("endpoint %q: want http://HOST[:PORT] or https://HOST[:PORT]", endpoint)
	}
	return client.New(endpoint, key, client.WithUserAgent("facesnap-cli")), nil
}

func checkOutput(output string) error {
	if output != "text" && output != "json" {
		return usageErrorf("--output %q: want text or json", output)
	}
	return nil
}

// writeJSON writes v as the one JSON document of a command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// typedClient reads --type and makes the client, which the commands on
// one type of collection start with. flagErr is the command's own flag
// mistake, if any (see missingFlags): it is reported after a bad --type
// and before a missing endpoint or key.
func (m *Main) typedClient(o *apiOptions, typ string, flagErr error) (client.SnapshotObjectType, *client.Client, error) {
	t, err := parseType(typ)
	if err != nil {
		return "", nil, err
	}
	if flagErr != nil {
		return "", nil, flagErr
	}
	c, err := m.client(o)
	return t, c, err
}

// missingFlags is the usage error msg when missing is true, else nil.
func missingFlags(missing bool, msg string) error {
	if missing {
		return usageErrorf("%s", msg)
	}
	return nil
}

// newTable starts the aligned columns of a text listing with their
// header; the caller writes the rows and flushes.
func newTable(w io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// parseType reads a --type value, in any letter case.
func parseType(s string) (client.SnapshotObjectType, error) {
	for _, t := range []client.SnapshotObjectType{
		client.SnapshotPersonGroup, client.SnapshotLargePersonGroup,
		client.SnapshotFaceList, client.SnapshotLargeFaceList,
	} {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", usageErrorf("--type %q: want PersonGroup, LargePersonGroup, FaceList or LargeFaceList", s)
}

// splitList reads a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// args wraps a cobra argument check so that its complaint is a usage
// error (exit 2).
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return usageErr(fmt.Errorf("%s: %w", cmd.CommandPath(), err))
		}
		return nil
	}
}

// groupRunE runs a command group given no subcommand: help for none, and
// a usage error (exit 2) for an unknown one, where cobra would print help
// and exit 0.
func groupRunE(cmd *cobra.Command, a []string) error {
	if len(a) > 0 {
		return usageErrorf("unknown command %q for %q", a[0], cmd.CommandPath())
	}
	return cmd.Help()
}

// personsOf returns the persons of a PersonGroup or LargePersonGroup;
// ok is false for a type whose faces belong to no person.
func personsOf(c *client.Client, t client.SnapshotObjectType, group string) (persons client.Persons, ok bool) {
	switch t {
	case client.SnapshotPersonGroup:
		return c.PersonGroups().Persons(group), true
	case client.SnapshotLargePersonGroup:
		return c.LargePersonGroups().Persons(group), true
	}
	return client.Persons{}, false
}

// needPersons is personsOf for the commands that work on persons, where
// another type is a usage error.
func needPersons(c *client.Client, t client.SnapshotObjectType, group string) (client.Persons, error) {
	if persons, ok := personsOf(c, t, group); ok {
		return persons, nil
	}
	return client.Persons{}, usageErrorf("--type %s has no persons: use PersonGroup or LargePersonGroup", t)
}
