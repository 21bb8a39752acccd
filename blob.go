package facesnap

import (
	"context"
	"io"
)

// BlobStore is the central snapshot store that deployments share: a
// directory (blob/dir) or an S3-compatible bucket. Keys are slash-separated
// paths.
type BlobStore interface {
	// Put stores r under key. Readers see the whole blob or nothing: a
	// failed or interrupted Put leaves no partial blob under key.
	Put(ctx context.Context, key string, r io.Reader) error
	// Get opens the blob under key; ErrNotFound when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the blob; it is not an error when there is none.
	Delete(ctx context.Context, key string) error
	// List returns the keys that start with prefix, sorted.
	List(ctx context.Context, prefix string) ([]string, error)
}
