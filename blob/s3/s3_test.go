package s3_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"facesnap"
	"facesnap/blob/s3"
	"facesnap/blobtest"
)

// envURL names the bucket the tests use, on a real S3-compatible server;
// scripts/start-s3 starts one on loopback and prints it.
const envURL = "FACESNAP_TEST_S3_URL"

// open returns a store on the test bucket under a prefix of its own,
// which it empties when the test ends.
func open(t testing.TB) *s3.Store {
	t.Helper()
	s, _ := openURL(t)
	return s
}

// openURL is open, also returning the store's URL.
func openURL(t testing.TB) (*s3.Store, string) {
	t.Helper()
	raw := os.Getenv(envURL)
	if raw == "" {
		t.Skipf("%s is not set: start an S3-compatible server with `eval \"$(scripts/start-s3)\"`", envURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", envURL, err)
	}
	var r [6]byte
	rand.Read(r[:])
	name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(t.Name(), "-")
	u.Path = strings.TrimSuffix(u.Path, "/") + "/facesnap-test/" + name + "-" + hex.EncodeToString(r[:])
	s, err := s3.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := s.List(ctx, "")
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		for _, k := range keys {
			if err := s.Delete(ctx, k); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return s, u.String()
}

func TestStore(t *testing.T) {
	if os.Getenv(envURL) == "" {
		t.Skipf("%s is not set: start an S3-compatible server with `eval \"$(scripts/start-s3)\"`", envURL)
	}
	blobtest.Exercise(t, func(t *testing.T) facesnap.BlobStore { return open(t) })
}

// generator yields size bytes of a repeating pattern without holding
// them, and calls sample every 4 MiB.
type generator struct {
	off, size int64
	sample    func()
}

func (g *generator) Read(p []byte) (int, error) {
	if g.off >= g.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), g.size-g.off))
	for i := range p[:n] {
		p[i] = byte((g.off + int64(i)) * 31 >> 8)
	}
	if g.sample != nil && (g.off+int64(n))>>22 != g.off>>22 {
		g.sample()
	}
	g.off += int64(n)
	return n, nil
}

// A 100 MiB Put streams: the heap in use while it runs stays near the
// part buffers (3 × 8 MiB), far below the blob. Loose bound, no timing.
func TestStore_LargePutHeapBounded(t *testing.T) {
	s := open(t)
	if testing.Short() {
		t.Skip("100 MiB blob in -short mode")
	}
	const size = 100 << 20
	ctx := context.Background()

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	if err := s.Put(ctx, "large/data", &generator{size: size, sample: sample}); err != nil {
		t.Fatal(err)
	}
	t.Logf("heap in use: %d MiB before, %d MiB at most during a %d MiB Put", base>>20, peak>>20, size>>20)
	if grew := peak - base; grew > 48<<20 {
		t.Fatalf("heap grew by %d MiB during a %d MiB Put: it buffers the blob", grew>>20, size>>20)
	}

	want := sha256.New()
	io.Copy(want, &generator{size: size})
	rc, err := s.Get(ctx, "large/data")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := sha256.New()
	if n, err := io.Copy(got, rc); err != nil || n != size {
		t.Fatalf("read back %d bytes, %v", n, err)
	}
	if string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Fatal("large blob came back different")
	}
}

// failAfter yields n bytes, then err.
type failAfter struct {
	g   generator
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.g.Read(p)
	if err == io.EOF {
		return 0, f.err
	}
	return n, err
}

// A multipart Put whose source fails after some parts are up aborts the
// upload: no blob, and no incomplete upload left holding storage.
func TestStore_FailedMultipartPutAborts(t *testing.T) {
	t.Parallel()
	s := open(t)
	s3.SetPartSize(s, 5<<20)
	ctx := context.Background()
	if err := s.Put(ctx, "k", strings.NewReader("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("source failed")
	err := s.Put(ctx, "k", &failAfter{g: generator{size: 12 << 20}, err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("Put = %v, want the source's error", err)
	}
	pending, err := s3.PendingUploads(ctx, s)
	if err != nil || len(pending) != 0 {
		t.Fatalf("incomplete uploads left: %q, %v", pending, err)
	}
	rc, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, err := io.ReadAll(rc); err != nil || string(b) != "old" {
		t.Fatalf("Get = %q, %v; want the old blob", b, err)
	}
}

// Parts of a multipart Put come back in order, the last one short.
func TestStore_MultipartRoundTrip(t *testing.T) {
	t.Parallel()
	s := open(t)
	s3.SetPartSize(s, 5<<20)
	ctx := context.Background()
	const size = 5<<20*3 + 12345
	if err := s.Put(ctx, "m", &generator{size: size}); err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(&generator{size: size})
	rc, err := s.Get(ctx, "m")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != string(want) {
		t.Fatalf("read back %d bytes, %v; want %d bytes as written", len(got), err, len(want))
	}
}

// List reads every page: here pages of 2 keys.
func TestStore_ListPages(t *testing.T) {
	t.Parallel()
	s := open(t)
	s3.SetPageSize(s, 2)
	ctx := context.Background()
	keys := []string{"p/e", "p/a", "p/d", "q", "p/b", "p/c"}
	for _, k := range keys {
		if err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.List(ctx, "p/")
	if want := []string{"p/a", "p/b", "p/c", "p/d", "p/e"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("List = %q, %v; want %q", got, err, want)
	}
}

// Two stores on one bucket stand for two regions sharing it.
func TestStore_SharedBucket(t *testing.T) {
	t.Parallel()
	a, raw := openURL(t)
	ctx := context.Background()
	if err := a.Put(ctx, "snapshots/x/data", strings.NewReader("from a")); err != nil {
		t.Fatal(err)
	}
	b, err := s3.Open(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := b.Get(ctx, "snapshots/x/data")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "from a" {
		t.Fatalf("b read %q", got)
	}
	if err := b.Delete(ctx, "snapshots/x/data"); err != nil {
		t.Fatal(err)
	}
	if keys, err := a.List(ctx, ""); err != nil || len(keys) != 0 {
		t.Fatalf("a lists %q, %v after b's delete", keys, err)
	}
}

// A multipart Put whose context ends midway returns context.Canceled and
// aborts the upload, although the abort runs after the context is done.
func TestStore_CanceledMultipartPutAborts(t *testing.T) {
	t.Parallel()
	s := open(t)
	s3.SetPartSize(s, 5<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &generator{size: 20 << 20}
	src.sample = func() {
		if src.off >= 12<<20 {
			cancel()
		}
	}
	if err := s.Put(ctx, "k", src); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	bg := context.Background()
	if pending, err := s3.PendingUploads(bg, s); err != nil || len(pending) != 0 {
		t.Fatalf("incomplete uploads left: %q, %v", pending, err)
	}
	if _, err := s.Get(bg, "k"); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
}

// A bucket that does not exist is the deployment's mistake, not a
// missing snapshot: Get must not say ErrNotFound, which callers turn
// into a 404 for the snapshot.
func TestStore_MissingBucket(t *testing.T) {
	t.Parallel()
	_, raw := openURL(t)
	u, _ := url.Parse(raw)
	u.Host = "facesnap-no-such-bucket"
	s, err := s3.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Get(ctx, "k"); err == nil || errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("Get = %v, want an error other than ErrNotFound", err)
	}
	if err := s.Put(ctx, "k", strings.NewReader("x")); err == nil {
		t.Fatal("Put into a missing bucket: no error")
	}
	if _, err := s.List(ctx, ""); err == nil {
		t.Fatal("List of a missing bucket: no error")
	}
}
