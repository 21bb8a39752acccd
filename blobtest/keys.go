package blobtest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"facesnap"
)

// exerciseKeys checks that keys which could escape the store or name
// nothing are refused with ErrInvalid, by every method.
func exerciseKeys(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "a/b", "x")
		ctx := context.Background()
		for _, key := range []string{
			"", "/", "/etc/passwd", "..", "../x", "a/../../x", "a/..", "./a", "a/./b",
			"a//b", "a/", "/a", `a\..\..\x`, "a\x00b",
			// blob/dir's temporary files: refused by every store alike.
			".facesnap-tmp-x", "a/.facesnap-tmp-1/b",
		} {
			if err := s.Put(ctx, key, bytes.NewReader([]byte("evil"))); !errors.Is(err, facesnap.ErrInvalid) {
				t.Errorf("Put(%q) = %v, want ErrInvalid", key, err)
			}
			if _, err := s.Get(ctx, key); !errors.Is(err, facesnap.ErrInvalid) {
				t.Errorf("Get(%q) = %v, want ErrInvalid", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, facesnap.ErrInvalid) {
				t.Errorf("Delete(%q) = %v, want ErrInvalid", key, err)
			}
		}
		for _, prefix := range []string{"/", "/etc", "../", "a/../.."} {
			if _, err := s.List(ctx, prefix); !errors.Is(err, facesnap.ErrInvalid) {
				t.Errorf("List(%q) = %v, want ErrInvalid", prefix, err)
			}
		}
		wantList(t, s, "", "a/b")
	})
	t.Run("Unusual", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		keys := []string{"with space/x", "ünïcödé/名前", "a.b/..c", "...", "x=y&z"}
		for _, k := range keys {
			put(t, s, k, k)
		}
		for _, k := range keys {
			wantBlob(t, s, k, k)
		}
		wantList(t, s, "", "...", "a.b/..c", "with space/x", "x=y&z", "ünïcödé/名前")
	})
}
