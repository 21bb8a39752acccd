package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"facesnap/client"
	"facesnap/snapfile"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"Nil", nil, exitOK},
		{"Usage", usageErrorf("no endpoint"), exitUsage},
		{"CobraUnknownCommand", errors.New(`unknown command "x" for "facesnap"`), exitUsage},
		{"OperationFailed", fmt.Errorf("apply: %w", &client.OperationFailedError{OperationID: "op", Message: "exists"}), exitFailed},
		{"Mismatch", failedf("verify: differs"), exitFailed},
		{"DamagedFile", fmt.Errorf("f is damaged: %w", snapfile.ErrCorrupt), exitFailed},
		{"API", fmt.Errorf("take: %w", &client.Error{StatusCode: 404}), exitAPI},
		{"Server", &client.Error{StatusCode: 503}, exitAPI},
		{"Other", errors.New("dial tcp: connection refused"), exitOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

// TestRun_ExitCodes runs commands in-process and maps what Run returns,
// as main does.
func TestRun_ExitCodes(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	// A port that was free a moment ago: nothing answers there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"NoEndpoint", nil, []string{"snapshot", "list"}, exitUsage},
		{"NoKey", map[string]string{envEndpoint: endpoint}, []string{"snapshot", "list"}, exitUsage},
		{"UnknownFlag", nil, []string{"snapshot", "list", "--bogus"}, exitUsage},
		{"MissingArg", nil, []string{"snapshot", "get"}, exitUsage},
		{"BadType", nil, []string{"group", "list", "--type", "Album"}, exitUsage},
		{"BadOutput", map[string]string{envEndpoint: endpoint, envKey: keyA}, []string{"snapshot", "list", "-o", "yaml"}, exitUsage},
		{"BadTargetFace", map[string]string{envEndpoint: endpoint, envKey: keyA}, []string{"face", "add", "--group", "g", "--person", "p", "--target-face", "1,2,3", "x.png"}, exitUsage},
		{"UnknownCommand", nil, []string{"snapshots"}, exitUsage},
		{"UnknownSubcommand", nil, []string{"snapshot", "bogus"}, exitUsage},
		{"UnknownAccountSubcommand", nil, []string{"account", "bogus"}, exitUsage},
		{"AccountRemoveNoName", nil, []string{"account", "remove"}, exitUsage},
		{"ServeBadLogLevel", nil, []string{"serve", "--log-level", "loud"}, exitUsage},
		{"ServeNegativeRateLimit", nil, []string{"serve", "--rate-limit", "-1"}, exitUsage},
		{"OperationListNegativeTop", nil, []string{"operation", "list", "--top", "-1"}, exitUsage},
		{"OperationListBadBefore", nil, []string{"operation", "list", "--before", "yesterday"}, exitUsage},
		{"EndpointWithoutScheme", map[string]string{envEndpoint: strings.TrimPrefix(endpoint, "http://"), envKey: keyA}, []string{"snapshot", "list"}, exitUsage},
		{"NotFound", map[string]string{envEndpoint: endpoint, envKey: keyA}, []string{"operation", "get", "missing"}, exitAPI},
		{"WrongKey", map[string]string{envEndpoint: endpoint, envKey: "wrong"}, []string{"snapshot", "list"}, exitAPI},
		{"Network", map[string]string{envEndpoint: closed, envKey: keyA}, []string{"snapshot", "list"}, exitOther},
		{"OK", map[string]string{envEndpoint: endpoint, envKey: keyA}, []string{"group", "list", "-o", "json"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut syncBuffer
			m := &Main{Stdout: &out, Stderr: &errOut, Getenv: env(tt.env)}
			err := m.Run(t.Context(), tt.args)
			if got := ExitCode(err); got != tt.want {
				t.Errorf("facesnap %s: exit %d (%v), want %d", strings.Join(tt.args, " "), got, err, tt.want)
			}
		})
	}
}

func TestParseRect(t *testing.T) {
	t.Parallel()
	r, err := parseRect("1, 2,30,40")
	if err != nil || *r != (client.FaceRectangle{Left: 1, Top: 2, Width: 30, Height: 40}) {
		t.Errorf("parseRect = %+v, %v", r, err)
	}
	for _, bad := range []string{"1,2,3", "a,b,c,d", "1,2,3,-4", "1,2,3,4,5"} {
		if _, err := parseRect(bad); ExitCode(err) != exitUsage {
			t.Errorf("parseRect(%q) = %v, want a usage error", bad, err)
		}
	}
}

func TestSubscriptionOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/subscriptions/" + subA + "/resourceGroups/facesnap/providers/Microsoft.CognitiveServices/accounts/x": subA,
		"/subscriptions/": "",
		"acme":            "",
	}
	for account, want := range tests {
		got, ok := subscriptionOf(account)
		if got != want || ok != (want != "") {
			t.Errorf("subscriptionOf(%q) = %q, %v, want %q", account, got, ok, want)
		}
	}
}

// TestRun_UsageOrder checks which mistake a command reports when there
// are several: --type first, then the command's own flags, then the
// endpoint and key.
func TestRun_UsageOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"BadTypeFirst", []string{"person", "list", "--type", "Album"}, `--type "Album"`},
		{"GroupBeforeEndpoint", []string{"person", "list"}, "person list needs --group"},
		{"FaceListGroup", []string{"face", "list"}, "face list needs --group"},
		{"PersonAddName", []string{"person", "add", "--group", "g"}, "person add needs --group and --name"},
		{"IdentifyGroup", []string{"face", "identify", "x.jpg"}, "face identify needs --group"},
		{"TakeScope", []string{"snapshot", "take", "--id", "g"}, "snapshot take needs --id and --apply-scope"},
		{"GroupListEndpoint", []string{"group", "list"}, "no endpoint"},
		{"PersonsOfFaceList", []string{"person", "list", "--type", "facelist", "--group", "g", "--endpoint", "http://127.0.0.1:1", "--key", "k"}, "--type FaceList has no persons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: env(nil)}
			err := m.Run(t.Context(), tt.args)
			if ExitCode(err) != exitUsage || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("facesnap %s: %v, want a usage error saying %q", strings.Join(tt.args, " "), err, tt.want)
			}
		})
	}
}
