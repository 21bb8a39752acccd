package sealed_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/blob/sealed"
	"facesnap/blobtest"
)

func newKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, sealed.KeySize)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func keyring(t *testing.T, keys ...string) *sealed.Keyring {
	t.Helper()
	kr, err := sealed.ParseKeys(strings.Join(keys, ","))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// setup returns a sealed store over a fresh directory, and the directory.
func setup(t *testing.T, keys ...string) (*sealed.Store, string) {
	t.Helper()
	root := t.TempDir()
	inner, err := dir.New(root)
	if err != nil {
		t.Fatal(err)
	}
	return &sealed.Store{Inner: inner, Keys: keyring(t, keys...)}, root
}

func put(t *testing.T, s facesnap.BlobStore, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader(data)); err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
}

func read(s facesnap.BlobStore, key string) ([]byte, error) {
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func wantUnauthentic(t *testing.T, err error) {
	t.Helper()
	var e *sealed.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *sealed.Error", err)
	}
}

func TestStore_Conformance(t *testing.T) {
	k := newKey(t)
	blobtest.Exercise(t, func(t *testing.T) facesnap.BlobStore {
		s, _ := setup(t, k)
		return s
	})
}

func TestStore_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, sealed.ChunkSize - 1, sealed.ChunkSize, sealed.ChunkSize + 1, 3*sealed.ChunkSize + 17} {
		s, root := setup(t, newKey(t))
		data := random(n)
		put(t, s, "a/b", data)
		got, err := read(s, "a/b")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: got %d bytes, %v", n, len(got), err)
		}
		raw, err := os.ReadFile(filepath.Join(root, "a", "b"))
		if err != nil {
			t.Fatal(err)
		}
		if n >= 16 && bytes.Contains(raw, data[:16]) {
			t.Fatalf("size %d: plaintext in the stored file", n)
		}
	}
}

func TestStore_WrongKey(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, newKey(t))
	put(t, s, "k", []byte("secret"))
	other := &sealed.Store{Inner: s.Inner, Keys: keyring(t, newKey(t))}
	_, err := read(other, "k")
	wantUnauthentic(t, err)
	if !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("err = %v", err)
	}
}

// TestStore_Tampered changes the stored file and expects every change to
// be refused, never read as data.
func TestStore_Tampered(t *testing.T) {
	t.Parallel()
	const n = 2*sealed.ChunkSize + 100
	sealedChunk := sealed.ChunkSize + 16
	const hdr = 28
	cases := []struct {
		name   string
		change func(b []byte) []byte
	}{
		{"FlipNonce", func(b []byte) []byte { b[hdr-1] ^= 1; return b }},
		{"FlipFirstChunk", func(b []byte) []byte { b[hdr+10] ^= 1; return b }},
		{"FlipLastTag", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"TruncateMidChunk", func(b []byte) []byte { return b[:hdr+sealedChunk+100] }},
		{"TruncateAtChunkBoundary", func(b []byte) []byte { return b[:hdr+2*sealedChunk] }},
		{"DropLastChunk", func(b []byte) []byte { return b[:hdr+sealedChunk] }},
		{"SwapChunks", func(b []byte) []byte {
			c1 := append([]byte(nil), b[hdr:hdr+sealedChunk]...)
			copy(b[hdr:], b[hdr+sealedChunk:hdr+2*sealedChunk])
			copy(b[hdr+sealedChunk:], c1)
			return b
		}},
		{"Append", func(b []byte) []byte { return append(b, 0) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, root := setup(t, newKey(t))
			put(t, s, "d", random(n))
			p := filepath.Join(root, "d")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.change(b), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = read(s, "d")
			wantUnauthentic(t, err)
		})
	}
}

// TestStore_MovedBlob copies one sealed blob over another's key: a valid
// meta of one snapshot must not pass for another's.
func TestStore_MovedBlob(t *testing.T) {
	t.Parallel()
	s, root := setup(t, newKey(t))
	put(t, s, "a/meta.json", []byte(`{"owner":"x"}`))
	put(t, s, "b/meta.json", []byte(`{"owner":"y"}`))
	b, err := os.ReadFile(filepath.Join(root, "a", "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "b", "meta.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = read(s, "b/meta.json")
	wantUnauthentic(t, err)
}

func TestStore_Plaintext(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, newKey(t))
	put(t, s.Inner, "old", []byte("written before the key"))
	_, err := read(s, "old")
	wantUnauthentic(t, err)

	s.AllowPlaintext = true
	got, err := read(s, "old")
	if err != nil || string(got) != "written before the key" {
		t.Fatalf("got %q, %v", got, err)
	}
	// What is written now is sealed even so.
	put(t, s, "new", []byte("after"))
	if raw, _ := read(s.Inner, "new"); bytes.Contains(raw, []byte("after")) {
		t.Fatal("new blob stored in clear")
	}
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	a, b := newKey(t), newKey(t)
	short := base64.StdEncoding.EncodeToString([]byte("short"))
	cases := []struct {
		name, text string
		ok         bool
	}{
		{"One", a, true},
		{"TwoComma", a + "," + b, true},
		{"TwoLinesAndComment", "# current\n" + a + "\n\n" + b + "\n", true},
		{"None", "", false},
		{"Three", a + "," + b + "," + newKey(t), false},
		{"Twice", a + "," + a, false},
		{"NotBase64", "not base64!", false},
		{"Short", short, false},
	}
	for _, tc := range cases {
		if _, err := sealed.ParseKeys(tc.text); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}

// TestStore_Rotate moves a store from no key to key A, then to key B with
// A still readable, and checks that a reader holding only B reads all.
func TestStore_Rotate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := newKey(t), newKey(t)
	sa, _ := setup(t, a)
	put(t, sa.Inner, "plain", []byte("p"))
	put(t, sa, "under-a", []byte("a"))

	sb := &sealed.Store{Inner: sa.Inner, Keys: keyring(t, b, a)}
	if got, err := read(sb, "under-a"); err != nil || string(got) != "a" {
		t.Fatalf("two keys: got %q, %v", got, err)
	}
	put(t, sb, "under-b", []byte("b"))
	// A forged blob is reported and left alone, not laundered.
	put(t, sa.Inner, "forged", append([]byte("FSSEAL01"), random(60)...))

	st, err := sb.Rotate(ctx)
	if err != nil || st.Rewritten != 2 || st.Current != 1 || len(st.Refused) != 1 || st.Refused[0] != "forged" {
		t.Fatalf("Rotate = %+v, %v", st, err)
	}
	onlyB := &sealed.Store{Inner: sa.Inner, Keys: keyring(t, b)}
	for key, want := range map[string]string{"plain": "p", "under-a": "a", "under-b": "b"} {
		if got, err := read(onlyB, key); err != nil || string(got) != want {
			t.Fatalf("%s: got %q, %v", key, got, err)
		}
	}
	// Again: nothing left to do.
	if st, err := sb.Rotate(ctx); err != nil || st.Rewritten != 0 || st.Current != 3 {
		t.Fatalf("second Rotate = %+v, %v", st, err)
	}
}
