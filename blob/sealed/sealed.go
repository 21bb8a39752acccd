// Package sealed encrypts and authenticates the blobs of a snapshot store
// with a deployment key, wrapping any facesnap.BlobStore (a directory, an
// S3 bucket), so that whoever can read the store learns nothing of the
// descriptors in it and whoever can write it cannot forge a snapshot's
// owner, scope or data.
//
// A sealed blob is a header (magic, key id, random base nonce) and then
// chunks of at most ChunkSize bytes, each sealed with AES-256-GCM under
// the base nonce XOR its index. The additional data binds each chunk to
// the header, to the blob's key (a sealed meta moved under another
// snapshot's id fails) and to its index and last-chunk flag, so that
// reordering, dropping or truncating chunks fails as surely as changing a
// byte. Chunking keeps memory flat for a stream of any size and stays far
// below GCM's limits per nonce.
package sealed

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"facesnap"
)

// ChunkSize is the plaintext size of every chunk but the last.
const ChunkSize = 64 << 10

const (
	magic      = "FSSEAL01"
	nonceSize  = 12
	headerSize = len(magic) + idSize + nonceSize
	tagSize    = 16
)

// Store seals what it puts into Inner and opens what it gets from it.
type Store struct {
	Inner facesnap.BlobStore
	Keys  *Keyring
	// AllowPlaintext lets Get return blobs written before the store had
	// a key, as they are. Off, such a blob is refused like a forged one:
	// anyone who can write the store could write one.
	AllowPlaintext bool
}

var _ facesnap.BlobStore = (*Store)(nil)

// Error is a blob that could not be authenticated: tampered with, cut
// short, sealed with a key this store does not hold, or not sealed.
type Error struct {
	Key    string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("blob %s: %s", e.Key, e.Reason) }

// Unauthentic marks the error for callers that must tell it from an I/O
// failure without importing this package.
func (e *Error) Unauthentic() bool { return true }

// Put seals r under the current key and stores it under key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	k := s.Keys.Current()
	hdr := make([]byte, headerSize)
	copy(hdr, magic)
	copy(hdr[len(magic):], k.id[:])
	if _, err := rand.Read(hdr[len(magic)+idSize:]); err != nil {
		return fmt.Errorf("put %s: nonce: %w", key, err)
	}
	aead, err := newAEAD(k)
	if err != nil {
		return err
	}
	sr := &sealReader{src: r, c: chunker{aead: aead, hdr: hdr, key: key}, pending: hdr,
		plain: make([]byte, ChunkSize)}
	return s.Inner.Put(ctx, key, sr)
}

// Get opens the blob under key. A failed authentication is an *Error,
// from Get for the header and from Read for the chunks; Read returns
// only bytes that were authenticated.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, err := s.Inner.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, headerSize)
	n, err := io.ReadFull(rc, hdr)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		rc.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	hdr = hdr[:n]
	if !bytes.HasPrefix(hdr, []byte(magic)) || n < headerSize {
		if !s.AllowPlaintext {
			rc.Close()
			return nil, &Error{Key: key, Reason: "not sealed with a store key (written before the store had one? run facesnap store rotate-key)"}
		}
		return readCloser{io.MultiReader(bytes.NewReader(hdr), rc), rc}, nil
	}
	k := s.Keys.find(hdr[len(magic) : len(magic)+idSize])
	if k == nil {
		rc.Close()
		return nil, &Error{Key: key, Reason: fmt.Sprintf("sealed with store key %x, which this deployment does not hold", hdr[len(magic):len(magic)+idSize])}
	}
	aead, err := newAEAD(k)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &openReader{src: rc, c: chunker{aead: aead, hdr: hdr, key: key},
		sealed: make([]byte, ChunkSize+tagSize)}, nil
}

// Delete removes the blob under key.
func (s *Store) Delete(ctx context.Context, key string) error { return s.Inner.Delete(ctx, key) }

// List lists the keys under prefix.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	return s.Inner.List(ctx, prefix)
}

func newAEAD(k *Key) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.aes[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// chunker seals and opens the chunks of one blob.
type chunker struct {
	aead  cipher.AEAD
	hdr   []byte
	key   string
	index uint64
	ad    []byte
	nonce [nonceSize]byte
}

func (c *chunker) prepare(last bool) {
	copy(c.nonce[:], c.hdr[len(magic)+idSize:])
	var ctr [8]byte
	binary.BigEndian.PutUint64(ctr[:], c.index)
	for i := range ctr {
		c.nonce[nonceSize-8+i] ^= ctr[i]
	}
	c.ad = append(c.ad[:0], c.hdr...)
	c.ad = binary.BigEndian.AppendUint32(c.ad, uint32(len(c.key)))
	c.ad = append(c.ad, c.key...)
	c.ad = binary.BigEndian.AppendUint64(c.ad, c.index)
	if last {
		c.ad = append(c.ad, 1)
	} else {
		c.ad = append(c.ad, 0)
	}
}

func (c *chunker) seal(dst, plain []byte, last bool) []byte {
	c.prepare(last)
	c.index++
	return c.aead.Seal(dst, c.nonce[:], plain, c.ad)
}

func (c *chunker) open(dst, sealed []byte, last bool) ([]byte, error) {
	c.prepare(last)
	out, err := c.aead.Open(dst, c.nonce[:], sealed, c.ad)
	if err != nil {
		return nil, &Error{Key: c.key, Reason: fmt.Sprintf("chunk %d fails authentication (tampered with, truncated or reordered)", c.index)}
	}
	c.index++
	return out, nil
}

// sealReader turns a plaintext stream into a sealed one as it is read.
type sealReader struct {
	src     io.Reader
	c       chunker
	plain   []byte
	out     []byte
	pending []byte
	done    bool
}

func (r *sealReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		if r.done {
			return 0, io.EOF
		}
		// A full chunk is never the last: a stream that ends on a chunk
		// boundary gets an empty last chunk, so a reader always knows
		// whether it saw the end.
		n, err := io.ReadFull(r.src, r.plain)
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			r.done = true
		default:
			return 0, err
		}
		r.out = r.c.seal(r.out[:0], r.plain[:n], r.done)
		r.pending = r.out
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// openReader authenticates and decrypts a sealed stream chunk by chunk.
type openReader struct {
	src     io.ReadCloser
	c       chunker
	sealed  []byte
	plain   []byte
	pending []byte
	done    bool
	err     error
}

func (r *openReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.pending, r.err = r.next()
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

func (r *openReader) next() ([]byte, error) {
	n, err := io.ReadFull(r.src, r.sealed)
	last := false
	switch {
	case err == nil:
	case errors.Is(err, io.ErrUnexpectedEOF):
		last = true
	case errors.Is(err, io.EOF):
		return nil, &Error{Key: r.c.key, Reason: fmt.Sprintf("ends before its last chunk (truncated after chunk %d)", r.c.index)}
	default:
		return nil, err
	}
	out, err := r.c.open(r.plain[:0], r.sealed[:n], last)
	if err != nil {
		return nil, err
	}
	r.plain = out
	r.done = last
	return out, nil
}

func (r *openReader) Close() error { return r.src.Close() }

type readCloser struct {
	io.Reader
	io.Closer
}
