package cli

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"facesnap/blob/dir"
	"facesnap/blob/s3"
)

// Not parallel: the S3 case sets the AWS keys in the environment.
func TestOpenBlobStore(t *testing.T) {
	ctx := context.Background()
	t.Run("Directory", func(t *testing.T) {
		t.Parallel()
		s, err := openBlobStore(ctx, filepath.Join(t.TempDir(), "snapshots"))
		if _, ok := s.(*dir.Store); err != nil || !ok {
			t.Fatalf("openBlobStore(dir) = %T, %v; want *dir.Store", s, err)
		}
	})
	t.Run("S3", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "id")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		s, err := openBlobStore(ctx, "s3://bucket?endpoint=http://127.0.0.1:1&region=us-east-1")
		if _, ok := s.(*s3.Store); err != nil || !ok {
			t.Fatalf("openBlobStore(s3://) = %T, %v; want *s3.Store", s, err)
		}
	})
	for name, spec := range map[string]string{
		"S3BadParameter": "s3://bucket?endpiont=http://127.0.0.1:1",
		"OtherScheme":    "gs://bucket",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := openBlobStore(ctx, spec)
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Fatalf("openBlobStore(%q) = %v, want a usage error", spec, err)
			}
		})
	}
}
