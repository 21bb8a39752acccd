package snapfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// craft builds a file with a right header, framing and checksum around
// the given decompressed stream, as someone who knows the format would:
// only the reader's own checks stand between it and the consumer.
func craft(t testing.TB, stream []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	hw := &hashWriter{w: &buf, h: sha256.New()}
	hw.Write([]byte(Magic + "\x00\x01"))
	enc, err := zstd.NewWriter(&chunkWriter{w: hw}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	enc.Write(stream)
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	hw.Write(make([]byte, chunkHdrSize))
	hw.Write(hw.h.Sum(nil))
	return buf.Bytes()
}

// rec encodes one record; body parts are concatenated.
func rec(tag byte, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	out := binary.AppendUvarint([]byte{tag}, uint64(len(b)))
	return append(out, b...)
}

func uv(v uint64) []byte { return binary.AppendUvarint(nil, v) }
func sv(v int64) []byte  { return binary.AppendVarint(nil, v) }
func str(s string) []byte {
	return append(uv(uint64(len(s))), s...)
}

// A valid collection record: 8 empty strings, 4 zero times, 4 ints.
var collBody = bytes.Repeat([]byte{0}, 16)

func personBody(id string) []byte { return bytes.Join([][]byte{str(id), str(""), str("")}, nil) }

func faceBody(id string, feature []byte) []byte {
	return bytes.Join([][]byte{str(id), str(""), str(""), str(""), {0}, sv(1), sv(2), sv(3), sv(4), sv(5), feature}, nil)
}

func end(persons, faces uint64) []byte { return rec(tagEnd, uv(persons), uv(faces)) }

func TestReader_Crafted(t *testing.T) {
	t.Parallel()
	coll := rec(tagCollection, collBody)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := []struct {
		name   string
		stream []byte
		msg    string
	}{
		{"Valid", join(coll, rec(tagPerson, personBody("p")), rec(tagFace, faceBody("f", uv(0))), end(1, 1)), ""},
		{"RecordTooLong", join(coll, []byte{tagPerson}, uv(maxRecord+1)), "record of"},
		{"RecordLengthOverflow", join(coll, []byte{tagPerson}, bytes.Repeat([]byte{0xff}, 11)), "record length"},
		{"StringTooLong", join(coll, rec(tagPerson, uv(MaxString+1), make([]byte, MaxString+1), str(""), str("")), end(1, 0)), "bad string length"},
		{"StringPastRecord", join(coll, rec(tagPerson, uv(50), []byte("short")), end(1, 0)), "bad length"},
		{"FeatureTooLong", join(coll, rec(tagFace, faceBody("f", uv(MaxFeature+1))), end(0, 1)), "feature of"},
		{"FeaturePastRecord", join(coll, rec(tagFace, faceBody("f", uv(128))), end(0, 1)), "bad length"},
		{"ExtraBytes", join(coll, rec(tagPerson, personBody("p"), []byte{7}), end(1, 0)), "extra bytes"},
		{"BadTimeFlag", join(coll, rec(tagFace, bytes.Replace(faceBody("f", uv(0)), []byte{0, 2}, []byte{9, 2}, 1)), end(0, 1)), "bad time"},
		{"UnknownTag", join(coll, rec(9, []byte("?")), end(0, 0)), "unknown record tag 9"},
		{"PersonFirst", join(rec(tagPerson, personBody("p")), end(1, 0)), "first record"},
		{"SecondCollection", join(coll, coll, end(0, 0)), "second collection"},
		{"CountMismatch", join(coll, rec(tagPerson, personBody("p")), end(2, 0)), "count mismatch"},
		{"NoEndRecord", join(coll, rec(tagPerson, personBody("p"))), "before the end record"},
		{"RecordCut", join(coll, rec(tagPerson, personBody("p"))[:3]), "before the end record"},
		{"AfterEndRecord", join(coll, end(0, 0), coll), "after the end record"},
		{"EmptyStream", nil, "before the end record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(bytes.NewReader(craft(t, tc.stream, zstd.WithWindowSize(1<<20))))
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want ErrCorrupt with %q", err, tc.msg)
			}
		})
	}
}

// frame wraps the file's compressed part; craft's counterpart for
// compressed bytes made by hand.
func frame(compressed []byte) []byte {
	var buf bytes.Buffer
	hw := &hashWriter{w: &buf, h: sha256.New()}
	hw.Write([]byte(Magic + "\x00\x01"))
	(&chunkWriter{w: hw}).Write(compressed)
	hw.Write(make([]byte, chunkHdrSize))
	hw.Write(hw.h.Sum(nil))
	return buf.Bytes()
}

// A frame that declares a window beyond maxWindow would make the decoder
// allocate it; the reader must refuse it instead.
func TestReader_HugeWindow(t *testing.T) {
	t.Parallel()
	stream := append(rec(tagCollection, collBody), end(0, 0)...)
	// A zstd frame by hand: magic, descriptor (no content size, no
	// checksum), window descriptor 2^(10+20) = 1 GiB, one raw last block.
	z := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3}
	bh := uint32(len(stream))<<3 | 1
	z = append(z, byte(bh), byte(bh>>8), byte(bh>>16))
	z = append(z, stream...)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := read(bytes.NewReader(frame(z)))
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Fatalf("allocated %d bytes", got)
	}
	// The same frame with a 1 MiB window is fine: the test is about the
	// window alone.
	z[5] = 10 << 3
	if _, _, err := read(bytes.NewReader(frame(z))); err != nil {
		t.Fatalf("1 MiB window: %v", err)
	}
}

func TestReader_ChunkTooLong(t *testing.T) {
	t.Parallel()
	file := []byte(Magic + "\x00\x01\xff\xff\xff\xff")
	_, _, err := read(bytes.NewReader(file))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "chunk of") {
		t.Fatalf("err = %v, want ErrCorrupt about the chunk", err)
	}
}

// TestStream_Memory pipes 1,000,000 faces with 128-float features from a
// writer to a reader and checks the live heap stays small: neither side
// holds more than a record and the compressor's window. The faces come
// from a generator that reuses its buffers, and the reader's records are
// dropped, so whatever stays live belongs to the format.
func TestStream_Memory(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	c, tr, faces := benchFacesData()
	pr, pw := io.Pipe()
	var wsum Summary
	werr := make(chan error, 1)
	go func() {
		w := NewWriter(pw)
		err := w.Collection(c, tr, statsFor(n))
		for i := 0; i < n && err == nil; i++ {
			f := faces[i%len(faces)]
			f.Seq = int64(i + 1)
			err = w.Face(f)
		}
		if err == nil {
			wsum, err = w.Close()
		}
		pw.CloseWithError(err)
		werr <- err
	}()
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	sr, err := NewReader(pr)
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	read := 0
	for {
		_, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		read++
		if read%100_000 == 0 {
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, base.HeapAlloc))
		}
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if read != n || sr.Summary() != wsum {
		t.Fatalf("read %d faces, summary %+v, wrote %+v", read, sr.Summary(), wsum)
	}
	t.Logf("%d faces, %d bytes, live heap at most %.1f MiB above the start", n, wsum.Size, float64(peak)/(1<<20))
	if peak > 16<<20 {
		t.Fatalf("live heap grew by %d bytes while streaming", peak)
	}
}
