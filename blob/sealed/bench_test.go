package sealed_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"

	"facesnap"
	"facesnap/blob/sealed"
)

// memStore is a BlobStore in memory, so that the benchmark measures the
// sealing rather than a disk.
type memStore struct {
	mu    sync.Mutex
	blobs map[string][]byte
}

func (m *memStore) Put(_ context.Context, key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blobs[key] = b
	return nil
}

func (m *memStore) Get(_ context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blobs[key]
	if !ok {
		return nil, facesnap.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Delete(context.Context, string) error           { return nil }
func (m *memStore) List(context.Context, string) ([]string, error) { return nil, nil }

// BenchmarkStore puts and gets 16 MiB through the sealed store and, as the
// baseline, through the bare in-memory store it wraps:
//
//	go test -run '^$' -bench Store -count 3 ./blob/sealed/
func BenchmarkStore(b *testing.B) {
	data := random(16 << 20)
	kr, err := sealed.ParseKeys(newKey(b))
	if err != nil {
		b.Fatal(err)
	}
	for name, wrap := range map[string]func(facesnap.BlobStore) facesnap.BlobStore{
		"Plain":  func(s facesnap.BlobStore) facesnap.BlobStore { return s },
		"Sealed": func(s facesnap.BlobStore) facesnap.BlobStore { return &sealed.Store{Inner: s, Keys: kr} },
	} {
		b.Run(name, func(b *testing.B) {
			s := wrap(&memStore{blobs: map[string][]byte{}})
			ctx := context.Background()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := s.Put(ctx, "k", bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				rc, err := s.Get(ctx, "k")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}
