// Package accounts authenticates subscription keys and manages the accounts
// they select and their keys.
//
// Keys are stored and compared only as hashes: HMAC-SHA256 under the
// deployment's key secret (FACESNAP_KEY_SECRET) when it has one, so that a
// copy of the database without the secret cannot even test a guess, and
// SHA-256 otherwise. Either way a key has at least 128 bits (MinKeyLength),
// so its hash does not give it back; a fast hash is then enough, and keeps
// an unknown key as cheap to refuse as a known one is to accept.
package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"facesnap"
)

// ErrUnauthorized is returned by Authenticate for a missing or unknown key.
var ErrUnauthorized = errors.New("invalid subscription key")

// DefaultResourceGroup is the resource group of accounts that do not name
// one: it shows in the account path that snapshots carry.
const DefaultResourceGroup = "facesnap"

// DefaultCacheTTL is how long an authenticated key is trusted without
// asking the store again. Every request authenticates, so the cache saves a
// database read per request; a key removed by another process (facesnap
// account remove) stops working at most this long after.
const DefaultCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache; when full it is emptied, which costs
// one store read per active key.
const maxCacheEntries = 10000

// Service authenticates keys and manages accounts. The zero value with a
// Store is ready to use.
type Service struct {
	Store facesnap.Store
	// Secret keys the hash keys are stored as (see the package comment);
	// nil stores plain SHA-256. Keys stored before a secret was set are
	// rehashed under it the first time they authenticate.
	Secret []byte
	// Log hears of configured keys that Provision removed; may be nil.
	Log *slog.Logger
	// Now is the clock for cache expiry; default time.Now.
	Now func() time.Time
	// CacheTTL overrides DefaultCacheTTL; negative disables the cache.
	CacheTTL time.Duration

	mu    sync.RWMutex
	cache map[[sha256.Size]byte]cacheEntry
}

type cacheEntry struct {
	hash    [sha256.Size]byte
	account facesnap.Account
	expires time.Time
}

// MinKeyLength is the shortest key accepted: the hosted service's keys
// are 32 hex characters, 128 bits.
const MinKeyLength = 32

// MinSecretLength is the shortest key secret accepted.
const MinSecretLength = 32

// CheckKey refuses a key too weak to be stored as a fast hash, or one that
// FACESNAP_ACCOUNTS or a header cannot carry. Its errors never quote the
// key.
func CheckKey(key string) error {
	if len(key) < MinKeyLength {
		return facesnap.Invalidf("the key has %d characters: keys need at least %d (the service's are 32 hex characters); leave it out to have one generated", len(key), MinKeyLength)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c > '~' || c == ',' || c == '=' {
			return facesnap.Invalidf("the key has a character at position %d that is not printable ASCII, or is ',' or '='", i+1)
		}
	}
	return nil
}

// hash is the stored form of a key.
func (s *Service) hash(key string) [sha256.Size]byte {
	if s.Secret == nil {
		return sha256.Sum256([]byte(key))
	}
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(key))
	return [sha256.Size]byte(m.Sum(nil))
}

// GenerateKey returns a new random key: 32 hex characters, like the
// hosted service's keys.
func GenerateKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) ttl() time.Duration {
	if s.CacheTTL == 0 {
		return DefaultCacheTTL
	}
	return s.CacheTTL
}

// Authenticate returns the account that key selects, or ErrUnauthorized.
func (s *Service) Authenticate(ctx context.Context, key string) (facesnap.Account, error) {
	// A key too short to be stored safely is refused before any lookup,
	// also one stored before the minimum existed.
	if len(key) < MinKeyLength {
		return facesnap.Account{}, ErrUnauthorized
	}
	h := s.hash(key)
	if a, ok := s.cached(h); ok {
		return a, nil
	}
	a, err := s.Store.AccountByKey(ctx, h[:])
	if errors.Is(err, facesnap.ErrNotFound) && s.Secret != nil {
		a, err = s.rehash(ctx, key, h)
	}
	if errors.Is(err, facesnap.ErrNotFound) {
		return facesnap.Account{}, ErrUnauthorized
	}
	if err != nil {
		return facesnap.Account{}, fmt.Errorf("authenticate: %w", err)
	}
	s.remember(h, a)
	return a, nil
}

// rehash moves a key stored as plain SHA-256, before the deployment had a
// secret, to its keyed hash, keeping whether it is managed.
func (s *Service) rehash(ctx context.Context, key string, h [sha256.Size]byte) (facesnap.Account, error) {
	legacy := sha256.Sum256([]byte(key))
	// A key that misses is nearly always unknown, not legacy: a read says
	// so without taking the store's write lock for every failed attempt.
	if _, err := s.Store.AccountByKey(ctx, legacy[:]); err != nil {
		return facesnap.Account{}, err
	}
	var a facesnap.Account
	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		var err error
		if a, err = st.AccountByKey(ctx, legacy[:]); err != nil {
			return err
		}
		keys, err := st.AccountKeyList(ctx, a.Name)
		if err != nil {
			return err
		}
		managed := false
		for _, k := range keys {
			if hmac.Equal(k.Hash, legacy[:]) {
				managed = k.Managed
			}
		}
		if err := st.AccountKeyAdd(ctx, facesnap.AccountKeyAddParams{Account: a.Name, Hash: h[:], Managed: managed}); err != nil {
			return err
		}
		return st.AccountKeyRemove(ctx, a.Name, legacy[:])
	})
	return a, err
}

// cached looks the hash up in the cache. The map lookup by hash may leak
// timing about the hash, which does not help to find a key; the entry is
// then confirmed with a constant-time comparison.
func (s *Service) cached(h [sha256.Size]byte) (facesnap.Account, bool) {
	if s.ttl() < 0 {
		return facesnap.Account{}, false
	}
	s.mu.RLock()
	e, ok := s.cache[h]
	s.mu.RUnlock()
	if !ok || subtle.ConstantTimeCompare(e.hash[:], h[:]) != 1 || !s.now().Before(e.expires) {
		return facesnap.Account{}, false
	}
	return e.account, true
}

func (s *Service) remember(h [sha256.Size]byte, a facesnap.Account) {
	if s.ttl() < 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil || len(s.cache) >= maxCacheEntries {
		s.cache = make(map[[sha256.Size]byte]cacheEntry)
	}
	s.cache[h] = cacheEntry{hash: h, account: a, expires: s.now().Add(s.ttl())}
}

// forget drops the cached keys of an account, so that removing it in this
// process takes effect at once.
func (s *Service) forget(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h, e := range s.cache {
		if e.account.Name == name {
			delete(s.cache, h)
		}
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// AddParams describes a new account. Empty fields get defaults: a random
// subscription, a name derived from it, a generated key.
type AddParams struct {
	Name           string
	SubscriptionID string
	ResourceGroup  string
	Key            string
}

// Add creates an account with one key and returns the account and the key,
// which is not stored in clear and cannot be shown again.
func (s *Service) Add(ctx context.Context, p AddParams) (facesnap.Account, string, error) {
	sub := p.SubscriptionID
	if sub == "" {
		sub = uuid.NewString()
	}
	sub, err := normalizeSubscription(sub)
	if err != nil {
		return facesnap.Account{}, "", err
	}
	a := facesnap.Account{Name: p.Name, SubscriptionID: sub, ResourceGroup: p.ResourceGroup}
	if a.Name == "" {
		a.Name = NameFor(sub)
	}
	if !namePattern.MatchString(a.Name) {
		return facesnap.Account{}, "", facesnap.Invalidf("account name %q must be 1 to 64 lowercase letters, digits or '-', starting with a letter or digit", a.Name)
	}
	if a.ResourceGroup == "" {
		a.ResourceGroup = DefaultResourceGroup
	}
	key, err := newKey(p.Key)
	if err != nil {
		return facesnap.Account{}, "", err
	}
	err = s.Store.InTx(ctx, func(st facesnap.Store) error {
		if err := st.AccountCreate(ctx, a); err != nil {
			return err
		}
		return s.addKey(ctx, st, a.Name, key, false)
	})
	if err != nil {
		return facesnap.Account{}, "", fmt.Errorf("add account %s: %w", a.Name, err)
	}
	return a, key, nil
}

// List returns every account.
func (s *Service) List(ctx context.Context) ([]facesnap.Account, error) {
	return s.Store.AccountList(ctx)
}

// Remove deletes an account with its keys and everything it owns.
func (s *Service) Remove(ctx context.Context, name string) error {
	if err := s.Store.AccountDelete(ctx, name); err != nil {
		return err
	}
	s.forget(name)
	return nil
}

// NameFor is the name of the account that Provision creates for a
// subscription: stable, so provisioning again finds the same account.
func NameFor(subscriptionID string) string {
	return "facesnap-" + strings.ToLower(subscriptionID)
}

// Provision makes sure that every KEY=SUBSCRIPTION_UUID pair of env (the
// FACESNAP_ACCOUNTS variable: comma-separated) selects the account of that
// subscription, creating the account when needed, and that the keys it
// configured before and no longer does stop working: the configured keys
// are exactly those env names. Keys added by hand (account add, account
// key add) are left alone. Running it again changes nothing; two keys for
// one subscription are one account with two keys.
func (s *Service) Provision(ctx context.Context, env string) error {
	pairs, err := ParseAccountsEnv(env)
	if err != nil {
		return err
	}
	configured := make(map[[sha256.Size]byte]bool, len(pairs))
	for _, p := range pairs {
		if err := s.provisionRetrying(ctx, p); err != nil {
			return err
		}
		configured[s.hash(p.Key)] = true
	}
	return s.pruneManaged(ctx, configured)
}

// pruneManaged removes the managed keys that are not configured. A key
// another node removed at the same moment is already gone, as wanted.
func (s *Service) pruneManaged(ctx context.Context, configured map[[sha256.Size]byte]bool) error {
	keys, err := s.Store.AccountKeyList(ctx, "")
	if err != nil {
		return fmt.Errorf("list keys: %w", err)
	}
	for _, k := range keys {
		if !k.Managed || configured[[sha256.Size]byte(k.Hash)] {
			continue
		}
		err := s.Store.AccountKeyRemove(ctx, k.Account, k.Hash)
		if err != nil && !errors.Is(err, facesnap.ErrNotFound) {
			return fmt.Errorf("remove key %s of %s: %w", keyID(k.Hash), k.Account, err)
		}
		s.forget(k.Account)
		if s.Log != nil {
			s.Log.InfoContext(ctx, "removed a key no longer in FACESNAP_ACCOUNTS", "account", k.Account, "key_id", keyID(k.Hash))
		}
	}
	return nil
}

// provisionRetrying runs provision again when it lost a race: nodes that
// start together on one database provision the same accounts at once, and
// all but one find the account (or key) created under them, which the
// next try reads as there. A key that selects another account stays an
// error on every try.
func (s *Service) provisionRetrying(ctx context.Context, p KeyPair) error {
	var err error
	for range 3 {
		if err = s.provision(ctx, p); !errors.Is(err, facesnap.ErrExists) {
			return err
		}
	}
	return err
}

// KeyPair is one KEY=SUBSCRIPTION_UUID of FACESNAP_ACCOUNTS.
type KeyPair struct {
	Key            string
	SubscriptionID string
}

// ParseAccountsEnv parses FACESNAP_ACCOUNTS. Errors never quote a key.
func ParseAccountsEnv(env string) ([]KeyPair, error) {
	var out []KeyPair
	for i, item := range strings.Split(env, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, sub, ok := strings.Cut(item, "=")
		key, sub = strings.TrimSpace(key), strings.TrimSpace(sub)
		if !ok || key == "" || sub == "" {
			return nil, fmt.Errorf("FACESNAP_ACCOUNTS entry %d: want KEY=SUBSCRIPTION_UUID", i+1)
		}
		sub, err := normalizeSubscription(sub)
		if err != nil {
			return nil, fmt.Errorf("FACESNAP_ACCOUNTS entry %d: %w", i+1, err)
		}
		if err := CheckKey(key); err != nil {
			return nil, fmt.Errorf("FACESNAP_ACCOUNTS entry %d: %w", i+1, err)
		}
		out = append(out, KeyPair{Key: key, SubscriptionID: sub})
	}
	return out, nil
}

func (s *Service) provision(ctx context.Context, p KeyPair) error {
	name := NameFor(p.SubscriptionID)
	return s.Store.InTx(ctx, func(st facesnap.Store) error {
		a, err := st.AccountGet(ctx, name)
		switch {
		case errors.Is(err, facesnap.ErrNotFound):
			a = facesnap.Account{Name: name, SubscriptionID: p.SubscriptionID, ResourceGroup: DefaultResourceGroup}
			if err := st.AccountCreate(ctx, a); err != nil {
				return fmt.Errorf("provision account %s: %w", name, err)
			}
		case err != nil:
			return fmt.Errorf("provision account %s: %w", name, err)
		case a.SubscriptionID != p.SubscriptionID:
			return fmt.Errorf("provision account %s: it exists with subscription %s", name, a.SubscriptionID)
		}
		return s.addKey(ctx, st, name, p.Key, true)
	})
}

// addKey lets key select the account unless it does already; a key that
// selects another account is an error (without the key in it).
func (s *Service) addKey(ctx context.Context, st facesnap.Store, name, key string, managed bool) error {
	h := s.hash(key)
	owner, err := st.AccountByKey(ctx, h[:])
	switch {
	case err == nil && owner.Name != name:
		return &facesnap.ExistsError{Object: facesnap.ObjectAccount, Message: fmt.Sprintf("the key already selects account %s", owner.Name)}
	case err != nil && !errors.Is(err, facesnap.ErrNotFound):
		return err
	}
	if err := st.AccountKeyAdd(ctx, facesnap.AccountKeyAddParams{Account: name, Hash: h[:], Managed: managed}); err != nil {
		return fmt.Errorf("add key: %w", err)
	}
	return nil
}

func normalizeSubscription(s string) (string, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", facesnap.Invalidf("subscription %q is not a UUID", s)
	}
	return u.String(), nil
}
