package accounts

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"fmt"

	"facesnap"
)

// Key is a stored key as it can be shown: never the key itself.
type Key struct {
	// ID names the key in list, remove and rotate: the start of its
	// stored hash, which gives nothing of the key away.
	ID string
	// Managed keys come from FACESNAP_ACCOUNTS and are changed there.
	Managed bool
}

// keyIDLength is how many hex characters of the hash make a key's id:
// 48 bits, so ids of one account's few keys do not collide.
const keyIDLength = 12

func keyID(hash []byte) string { return hex.EncodeToString(hash)[:keyIDLength] }

// newKey is the given key once checked, or a generated one.
func newKey(key string) (string, error) {
	if key == "" {
		return GenerateKey()
	}
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return key, nil
}

// KeyAdd gives the account one more key, the given one or a generated
// one, and returns it: it is not stored in clear and cannot be shown
// again.
func (s *Service) KeyAdd(ctx context.Context, name, key string) (string, error) {
	key, err := newKey(key)
	if err != nil {
		return "", err
	}
	err = s.Store.InTx(ctx, func(st facesnap.Store) error {
		if _, err := st.AccountGet(ctx, name); err != nil {
			return err
		}
		return s.addKey(ctx, st, name, key, false)
	})
	if err != nil {
		return "", fmt.Errorf("add key to %s: %w", name, err)
	}
	return key, nil
}

// KeyList lists the account's keys.
func (s *Service) KeyList(ctx context.Context, name string) ([]Key, error) {
	if _, err := s.Store.AccountGet(ctx, name); err != nil {
		return nil, err
	}
	stored, err := s.Store.AccountKeyList(ctx, name)
	if err != nil {
		return nil, err
	}
	keys := make([]Key, len(stored))
	for i, k := range stored {
		keys[i] = Key{ID: keyID(k.Hash), Managed: k.Managed}
	}
	return keys, nil
}

// KeyRemove removes one key of the account, named by its id or given
// itself; the account and its data stay. A configured key is refused:
// the next start would add it back, so it is removed from
// FACESNAP_ACCOUNTS instead.
func (s *Service) KeyRemove(ctx context.Context, name, idOrKey string) error {
	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		k, err := s.findKey(ctx, st, name, idOrKey)
		if err != nil {
			return err
		}
		return st.AccountKeyRemove(ctx, name, k.Hash)
	})
	if err != nil {
		return fmt.Errorf("remove key of %s: %w", name, err)
	}
	s.forget(name)
	return nil
}

// KeyRotate replaces one key of the account with a generated one, in one
// transaction, and returns the new key.
func (s *Service) KeyRotate(ctx context.Context, name, idOrKey string) (string, error) {
	key, err := GenerateKey()
	if err != nil {
		return "", err
	}
	err = s.Store.InTx(ctx, func(st facesnap.Store) error {
		k, err := s.findKey(ctx, st, name, idOrKey)
		if err != nil {
			return err
		}
		if err := s.addKey(ctx, st, name, key, false); err != nil {
			return err
		}
		return st.AccountKeyRemove(ctx, name, k.Hash)
	})
	if err != nil {
		return "", fmt.Errorf("rotate key of %s: %w", name, err)
	}
	s.forget(name)
	return key, nil
}

// findKey resolves a key id or a key to one stored key of the account
// that may be changed by hand.
func (s *Service) findKey(ctx context.Context, st facesnap.Store, name, idOrKey string) (facesnap.AccountKey, error) {
	if _, err := st.AccountGet(ctx, name); err != nil {
		return facesnap.AccountKey{}, err
	}
	stored, err := st.AccountKeyList(ctx, name)
	if err != nil {
		return facesnap.AccountKey{}, err
	}
	h := s.hash(idOrKey)
	for _, k := range stored {
		if keyID(k.Hash) != idOrKey && !hmac.Equal(k.Hash, h[:]) {
			continue
		}
		if k.Managed {
			return facesnap.AccountKey{}, facesnap.Invalidf("key %s is configured by FACESNAP_ACCOUNTS: change it there and restart", keyID(k.Hash))
		}
		return k, nil
	}
	return facesnap.AccountKey{}, &facesnap.NotFoundError{Object: facesnap.ObjectAccount, Message: fmt.Sprintf("account %s has no key with that id", name)}
}
