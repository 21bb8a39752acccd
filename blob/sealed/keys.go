package sealed

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// KeySize is the length of a store key: AES-256.
const KeySize = 32

// idSize is the length of a key id in a sealed blob's header.
const idSize = 8

// Key is one store key and the id that names it in headers, so a reader
// holding two keys (during a rotation) picks the right one without trying.
type Key struct {
	id  [idSize]byte
	aes [KeySize]byte
}

// ID is the key's id in hex, as logs and errors show it.
func (k *Key) ID() string { return fmt.Sprintf("%x", k.id) }

func newKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("store key: want %d bytes, got %d", KeySize, len(raw))
	}
	k := &Key{}
	copy(k.aes[:], raw)
	// The id is a hash of the key under a label of its own: it names the
	// key without revealing it.
	sum := sha256.Sum256(append([]byte("facesnap store key id\x00"), raw...))
	copy(k.id[:], sum[:idSize])
	return k, nil
}

// Keyring holds the keys a store is read with: the first seals new
// blobs, and any of them opens a blob whose header names it.
type Keyring struct {
	keys []*Key
}

// ParseKeys reads keys written base64 (standard encoding), separated by
// commas or newlines, the current one first; blank lines and lines
// starting with # are ignored. At most two keys: the current and the one
// being rotated away from.
func ParseKeys(text string) (*Keyring, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
	var kr Keyring
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			return nil, fmt.Errorf("store key %d: not base64: %w", len(kr.keys)+1, err)
		}
		k, err := newKey(raw)
		if err != nil {
			return nil, fmt.Errorf("store key %d: %w", len(kr.keys)+1, err)
		}
		for _, o := range kr.keys {
			if o.id == k.id {
				return nil, fmt.Errorf("store key %d: given twice", len(kr.keys)+1)
			}
		}
		kr.keys = append(kr.keys, k)
	}
	switch {
	case len(kr.keys) == 0:
		return nil, fmt.Errorf("store keys: none given")
	case len(kr.keys) > 2:
		return nil, fmt.Errorf("store keys: %d given, want the current one and at most one previous", len(kr.keys))
	}
	return &kr, nil
}

// Current is the key new blobs are sealed with.
func (kr *Keyring) Current() *Key { return kr.keys[0] }

func (kr *Keyring) find(id []byte) *Key {
	for _, k := range kr.keys {
		if string(k.id[:]) == string(id) {
			return k
		}
	}
	return nil
}
