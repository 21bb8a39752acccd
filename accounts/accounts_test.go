package accounts_test

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"facesnap"
	"facesnap/accounts"
	"facesnap/sqlite"
)

const (
	sub1 = "11111111-1111-4111-8111-111111111111"
	sub2 = "22222222-2222-4222-8222-222222222222"
	// Keys of the minimum length; errors must never quote them.
	k1 = "k1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	k2 = "k2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

type testBundle struct {
	store *sqlite.DB
	svc   *accounts.Service
	now   time.Time
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tb := &testBundle{store: db, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	tb.svc = &accounts.Service{Store: db, Now: func() time.Time { return tb.now }}
	return tb
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	k1, err := accounts.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := accounts.GenerateKey()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(k1) || k1 == k2 {
		t.Errorf("keys %q %q: want two different 32-hex-character keys", k1, k2)
	}
}

func TestService_Provision(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     string
		wantErr bool
		keys    map[string]string // key -> subscription it must select
		count   int               // accounts afterwards
	}{
		{name: "Empty", env: "", count: 0},
		{name: "OnePair", env: k1 + "=" + sub1, keys: map[string]string{k1: sub1}, count: 1},
		{name: "TwoKeysOneSubscription", env: k1 + "=" + sub1 + ", " + k2 + "=" + sub1, keys: map[string]string{k1: sub1, k2: sub1}, count: 1},
		{name: "TwoSubscriptions", env: k1 + "=" + sub1 + "," + k2 + "=" + sub2 + ",", keys: map[string]string{k1: sub1, k2: sub2}, count: 2},
		{name: "UpperCaseUUID", env: k1 + "=11111111-1111-4111-8111-11111111111A", keys: map[string]string{k1: "11111111-1111-4111-8111-11111111111a"}, count: 1},
		{name: "ErrNoEquals", env: k1, wantErr: true},
		{name: "ErrEmptyKey", env: "=" + sub1, wantErr: true},
		{name: "ErrNotUUID", env: k1 + "=sub", wantErr: true},
		{name: "ErrKeyOnTwoSubscriptions", env: k1 + "=" + sub1 + "," + k1 + "=" + sub2, wantErr: true},
		{name: "ErrShortKey", env: "k1=" + sub1, wantErr: true},
		{name: "ErrKeyOneShort", env: k1[:31] + "=" + sub1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			ctx := t.Context()
			err := tb.svc.Provision(ctx, tt.env)
			if tt.wantErr {
				if err == nil {
					t.Fatal("Provision succeeded, want an error")
				}
				// Errors end up in logs: they never quote a key.
				if strings.Contains(err.Error(), "k1") || strings.Contains(err.Error(), k1[:31]) {
					t.Errorf("error %q quotes the key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Provisioning again changes nothing.
			if err := tb.svc.Provision(ctx, tt.env); err != nil {
				t.Fatalf("second Provision: %v", err)
			}
			for key, sub := range tt.keys {
				a, err := tb.svc.Authenticate(ctx, key)
				if err != nil {
					t.Fatalf("Authenticate(%s): %v", key, err)
				}
				if a.SubscriptionID != sub || a.Name != accounts.NameFor(sub) || a.ResourceGroup != accounts.DefaultResourceGroup {
					t.Errorf("Authenticate(%s) = %+v, want subscription %s", key, a, sub)
				}
			}
			list, err := tb.svc.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != tt.count {
				t.Errorf("%d accounts, want %d: %+v", len(list), tt.count, list)
			}
		})
	}
}

func TestService_Authenticate(t *testing.T) {
	t.Parallel()
	t.Run("ErrUnauthorized", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		if err := tb.svc.Provision(t.Context(), k1+"="+sub1); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"", "bad-key", k1 + " ", k1[:31], k2} {
			if _, err := tb.svc.Authenticate(t.Context(), key); !errors.Is(err, accounts.ErrUnauthorized) {
				t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", key, err)
			}
		}
	})
	t.Run("RemovedInProcess", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		ctx := t.Context()
		a, key, err := tb.svc.Add(ctx, accounts.AddParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := tb.svc.Authenticate(ctx, key); err != nil || got != a {
			t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, a)
		}
		if err := tb.svc.Remove(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.svc.Authenticate(ctx, key); !errors.Is(err, accounts.ErrUnauthorized) {
			t.Errorf("after Remove: %v, want ErrUnauthorized at once", err)
		}
	})
	t.Run("RemovedElsewhereExpires", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		ctx := t.Context()
		_, key, err := tb.svc.Add(ctx, accounts.AddParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tb.svc.Authenticate(ctx, key); err != nil {
			t.Fatal(err)
		}
		// Another process (facesnap account remove) deletes it: the
		// cache still answers until its TTL has passed, then the store.
		if err := tb.store.AccountDelete(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.svc.Authenticate(ctx, key); err != nil {
			t.Errorf("within the TTL: %v, want the cached account", err)
		}
		tb.now = tb.now.Add(accounts.DefaultCacheTTL)
		if _, err := tb.svc.Authenticate(ctx, key); !errors.Is(err, accounts.ErrUnauthorized) {
			t.Errorf("after the TTL: %v, want ErrUnauthorized", err)
		}
	})
}

func TestService_Add(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		p       accounts.AddParams
		want    facesnap.Account // zero fields are not checked
		wantErr error
	}{
		{name: "Defaults", p: accounts.AddParams{}},
		{name: "Named", p: accounts.AddParams{Name: "acme", SubscriptionID: sub1, Key: k1},
			want: facesnap.Account{Name: "acme", SubscriptionID: sub1, ResourceGroup: accounts.DefaultResourceGroup}},
		{name: "ErrBadName", p: accounts.AddParams{Name: "Bad Name"}, wantErr: facesnap.ErrInvalid},
		{name: "ErrBadSubscription", p: accounts.AddParams{SubscriptionID: "nope"}, wantErr: facesnap.ErrInvalid},
		{name: "ErrShortKey", p: accounts.AddParams{Key: "my-key"}, wantErr: facesnap.ErrInvalid},
		{name: "ErrKeyWithComma", p: accounts.AddParams{Key: "a,b" + k1}, wantErr: facesnap.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			ctx := t.Context()
			a, key, err := tb.svc.Add(ctx, tt.p)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Add = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Name != "" && a != tt.want {
				t.Errorf("Add = %+v, want %+v", a, tt.want)
			}
			if tt.p.Key != "" && key != tt.p.Key {
				t.Errorf("key %q, want the given %q", key, tt.p.Key)
			}
			got, err := tb.svc.Authenticate(ctx, key)
			if err != nil || got != a {
				t.Errorf("Authenticate(new key) = %+v, %v; want %+v", got, err, a)
			}
			if _, _, err := tb.svc.Add(ctx, accounts.AddParams{Name: a.Name, SubscriptionID: a.SubscriptionID}); !errors.Is(err, facesnap.ErrExists) {
				t.Errorf("adding %s again: %v, want ErrExists", a.Name, err)
			}
		})
	}
}
