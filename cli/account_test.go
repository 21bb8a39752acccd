package cli

import (
	"regexp"
	"strings"
	"testing"

	"facesnap/accounts"
)

var printedKey = regexp.MustCompile(`key:\s+([0-9a-f]{32})\n`)

func keyOf(t *testing.T, out string) string {
	t.Helper()
	m := printedKey.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no key printed in:\n%s", out)
	}
	return m[1]
}

// TestAccountKeyCommands: one key is added, rotated and removed without
// touching the account or the other keys.
func TestAccountKeyCommands(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	first := keyOf(t, run(t, "account", "add", "--data", data, "--name", "acme"))
	second := keyOf(t, run(t, "account", "key", "add", "--data", data, "acme"))
	out := run(t, "account", "key", "list", "--data", data, "acme")
	ids := regexp.MustCompile(`(?m)^([0-9a-f]{12})\s+added$`).FindAllStringSubmatch(out, -1)
	if len(ids) != 2 || strings.Contains(out, first) || strings.Contains(out, second) {
		t.Fatalf("key list printed:\n%s\nwant two key ids and no key", out)
	}
	rotated := keyOf(t, run(t, "account", "key", "rotate", "--data", data, "acme", first))

	db, err := openStore(t.Context(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &accounts.Service{Store: db, CacheTTL: -1}
	works := func(key string, want bool) {
		t.Helper()
		if _, err := svc.Authenticate(t.Context(), key); (err == nil) != want {
			t.Errorf("key %.2s…: %v, want working=%v", key, err, want)
		}
	}
	works(first, false)
	works(second, true)
	works(rotated, true)

	// Remove the second key by its id: list again and take the id that
	// is neither gone nor the rotated key's.
	keys, err := svc.KeyList(t.Context(), "acme")
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %+v, %v", keys, err)
	}
	for _, k := range keys {
		run(t, "account", "key", "remove", "--data", data, "acme", k.ID)
	}
	works(second, false)
	works(rotated, false)
	if out := run(t, "account", "list", "--data", data); !strings.Contains(out, "acme") {
		t.Errorf("removing keys removed the account:\n%s", out)
	}
	// A weak key is refused with the reason.
	var errOut syncBuffer
	m := &Main{Stdout: &errOut, Stderr: &errOut, Getenv: env(nil)}
	err = m.Run(t.Context(), []string{"account", "key", "add", "--data", data, "--key", "short", "acme"})
	if err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("weak key: %v", err)
	}
}
