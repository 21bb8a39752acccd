package accounts_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"facesnap"
	"facesnap/accounts"
	"facesnap/sqlite"
)

// TestProvision_Restart: the keys FACESNAP_ACCOUNTS configures are
// exactly those that work after a restart; keys added by hand stay.
func TestProvision_Restart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "facesnap.db")
	start := func(env string) (*accounts.Service, func()) {
		t.Helper()
		db, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		svc := &accounts.Service{Store: db}
		if err := svc.Provision(t.Context(), env); err != nil {
			t.Fatal(err)
		}
		return svc, func() { db.Close() }
	}
	works := func(t *testing.T, svc *accounts.Service, key string, want bool) {
		t.Helper()
		_, err := svc.Authenticate(t.Context(), key)
		if want && err != nil || !want && !errors.Is(err, accounts.ErrUnauthorized) {
			t.Errorf("key %.2s…: %v, want working=%v", key, err, want)
		}
	}
	svc, stop := start(k1 + "=" + sub1 + "," + k2 + "=" + sub1)
	manual, err := svc.KeyAdd(t.Context(), accounts.NameFor(sub1), "")
	if err != nil {
		t.Fatal(err)
	}
	works(t, svc, k2, true)
	stop()

	svc, stop = start(k1 + "=" + sub1) // k2 taken out of the configuration
	defer stop()
	works(t, svc, k1, true)
	works(t, svc, k2, false)
	works(t, svc, manual, true)
	keys, err := svc.KeyList(t.Context(), accounts.NameFor(sub1))
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys after restart: %+v, %v; want the configured one and the manual one", keys, err)
	}
}

func TestService_Keys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	a, first, err := tb.svc.Add(ctx, accounts.AddParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := tb.svc.KeyAdd(ctx, "acme", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.KeyAdd(ctx, "acme", "short"); !errors.Is(err, facesnap.ErrInvalid) {
		t.Fatalf("weak key: %v, want ErrInvalid", err)
	}
	if _, err := tb.svc.KeyAdd(ctx, "nobody", ""); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("key for a missing account: %v", err)
	}
	keys, err := tb.svc.KeyList(ctx, "acme")
	if err != nil || len(keys) != 2 {
		t.Fatalf("KeyList = %+v, %v", keys, err)
	}
	for _, k := range keys {
		if k.ID == first[:len(k.ID)] || k.ID == second[:len(k.ID)] {
			t.Fatalf("key id %s shows the key", k.ID)
		}
	}

	// Rotate the first key by giving it; only the new one and the second work.
	rotated, err := tb.svc.KeyRotate(ctx, "acme", first)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{first: false, second: true, rotated: true} {
		if _, err := tb.svc.Authenticate(ctx, key); (err == nil) != want {
			t.Errorf("after rotate, key %.2s…: %v, want working=%v", key, err, want)
		}
	}
	// Remove the second by its id; the account and the rotated key stay.
	secondID := ""
	keys, _ = tb.svc.KeyList(ctx, "acme")
	for _, k := range keys {
		if h := sha256.Sum256([]byte(second)); k.ID == hexPrefix(h[:], len(k.ID)) {
			secondID = k.ID
		}
	}
	if err := tb.svc.KeyRemove(ctx, "acme", secondID); err != nil {
		t.Fatalf("remove by id %q: %v", secondID, err)
	}
	if _, err := tb.svc.Authenticate(ctx, second); !errors.Is(err, accounts.ErrUnauthorized) {
		t.Errorf("removed key: %v", err)
	}
	if got, err := tb.svc.Authenticate(ctx, rotated); err != nil || got != a {
		t.Errorf("rotated key: %+v, %v", got, err)
	}
	if err := tb.svc.KeyRemove(ctx, "acme", secondID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("removing again: %v, want ErrNotFound", err)
	}

	// A configured key is changed in the configuration only.
	if err := tb.svc.Provision(ctx, k1+"="+sub1); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.KeyRemove(ctx, accounts.NameFor(sub1), k1); !errors.Is(err, facesnap.ErrInvalid) {
		t.Errorf("removing a configured key: %v, want ErrInvalid", err)
	}
	if _, err := tb.svc.KeyRotate(ctx, accounts.NameFor(sub1), k1); !errors.Is(err, facesnap.ErrInvalid) {
		t.Errorf("rotating a configured key: %v, want ErrInvalid", err)
	}
}

func hexPrefix(b []byte, n int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out[:n])
}

// TestService_Secret: with a secret, a copy of the database holds no hash
// that a guess can be checked against without it; keys stored before the
// secret move to it as they authenticate.
func TestService_Secret(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	if err := tb.svc.Provision(ctx, k1+"="+sub1); err != nil { // no secret yet
		t.Fatal(err)
	}
	secret := []byte("0123456789abcdef0123456789abcdef")
	keyed := &accounts.Service{Store: tb.store, Secret: secret}
	if _, err := keyed.Authenticate(ctx, k1); err != nil {
		t.Fatalf("legacy key under a secret: %v", err)
	}
	added, err := keyed.KeyAdd(ctx, accounts.NameFor(sub1), "")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := tb.store.AccountKeyList(ctx, accounts.NameFor(sub1))
	if err != nil || len(stored) != 2 {
		t.Fatalf("stored keys %+v, %v", stored, err)
	}
	for _, k := range stored {
		for _, key := range []string{k1, added} {
			if h := sha256.Sum256([]byte(key)); string(k.Hash) == string(h[:]) {
				t.Fatalf("key %.2s… is stored as its plain SHA-256", key)
			}
		}
	}
	// The rehashed configured key is still managed, and neither key works
	// without the secret.
	managed := 0
	for _, k := range stored {
		if k.Managed {
			managed++
		}
	}
	if managed != 1 {
		t.Fatalf("%d managed keys after rehash, want 1", managed)
	}
	plain := &accounts.Service{Store: tb.store, CacheTTL: -1}
	for _, key := range []string{k1, added} {
		if _, err := plain.Authenticate(ctx, key); !errors.Is(err, accounts.ErrUnauthorized) {
			t.Errorf("key %.2s… without the secret: %v", key, err)
		}
	}
}

// txCounter counts the store's transactions.
type txCounter struct {
	facesnap.Store
	n atomic.Int32
}

func (s *txCounter) InTx(ctx context.Context, fn func(facesnap.Store) error) error {
	s.n.Add(1)
	return s.Store.InTx(ctx, fn)
}

// TestService_SecretUnknownKeyReadsOnly: under a secret, refusing an
// unknown key looks for a legacy hash with reads only, so failed
// attempts never queue for the store's write lock.
func TestService_SecretUnknownKeyReadsOnly(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	if err := tb.svc.Provision(ctx, k1+"="+sub1); err != nil {
		t.Fatal(err)
	}
	st := &txCounter{Store: tb.store}
	keyed := &accounts.Service{Store: st, Secret: []byte("0123456789abcdef0123456789abcdef"), CacheTTL: -1}
	if _, err := keyed.Authenticate(ctx, k2); !errors.Is(err, accounts.ErrUnauthorized) {
		t.Fatalf("unknown key: %v, want ErrUnauthorized", err)
	}
	if n := st.n.Load(); n != 0 {
		t.Fatalf("refusing an unknown key ran %d transactions, want 0", n)
	}
	// The legacy key still moves to its keyed hash, in one transaction.
	if _, err := keyed.Authenticate(ctx, k1); err != nil {
		t.Fatalf("legacy key: %v", err)
	}
	if n := st.n.Load(); n != 1 {
		t.Fatalf("rehashing ran %d transactions, want 1", n)
	}
}
