package snapfile

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"facesnap"
)

// snapshot is what a file holds, in the order a dump writes it.
type snapshot struct {
	coll     facesnap.Collection
	training facesnap.Training
	stats    facesnap.CollectionStats
	persons  []facesnap.Person
	faces    []facesnap.Face
}

func write(t testing.TB, s snapshot) ([]byte, Summary) {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Collection(s.coll, s.training, s.stats); err != nil {
		t.Fatal(err)
	}
	for _, p := range s.persons {
		if err := w.Person(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range s.faces {
		if err := w.Face(f); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

// read reads a whole file, copying records as a consumer that keeps them
// does.
func read(r io.Reader) (snapshot, Summary, error) {
	var s snapshot
	sr, err := NewReader(r)
	if err != nil {
		return s, Summary{}, err
	}
	s.coll, s.training, s.stats = sr.Collection()
	for {
		rec, err := sr.Next()
		if err == io.EOF {
			return s, sr.Summary(), nil
		}
		if err != nil {
			return s, Summary{}, err
		}
		switch {
		case rec.Person != nil:
			s.persons = append(s.persons, *rec.Person)
		case rec.Face != nil:
			s.faces = append(s.faces, *rec.Face)
		default:
			return s, Summary{}, errors.New("empty record")
		}
	}
}

func smallSnapshot() snapshot {
	g := newGen(1)
	c, tr := g.collection(facesnap.KindPersonGroup)
	s := snapshot{coll: c, training: tr}
	for range 2 {
		p := g.person()
		s.persons = append(s.persons, p)
		s.faces = append(s.faces, g.face(int64(len(s.faces)+1), p.ID))
	}
	s.faces[0].Feature = s.faces[0].Feature[:4] // keep the file small
	s.faces[1].Feature = nil
	s.stats = facesnap.CollectionStats{Persons: 2, Faces: 2, MaxSeq: 2}
	return s
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	g := newGen(2)
	utc := func(tm time.Time) time.Time { return tm.UTC() }
	cases := map[string]func() snapshot{
		"EmptyCollection": func() snapshot {
			return snapshot{coll: facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "a", Kind: facesnap.KindFaceList, ID: "empty"}}}
		},
		"FaceListWithFaces": func() snapshot {
			c, tr := g.collection(facesnap.KindFaceList)
			s := snapshot{coll: c, training: tr, stats: facesnap.CollectionStats{Faces: 50, MaxSeq: 50}}
			for i := range 50 {
				s.faces = append(s.faces, g.face(int64(i+1), ""))
			}
			return s
		},
		"PersonGroup": func() snapshot {
			c, tr := g.collection(facesnap.KindLargePersonGroup)
			tr.TrainedSeq = 30
			s := snapshot{coll: c, training: tr, stats: facesnap.CollectionStats{Persons: 10, Faces: 40, MaxSeq: 40}}
			for range 10 {
				s.persons = append(s.persons, g.person())
			}
			for i := range 40 {
				s.faces = append(s.faces, g.face(int64(i+1), s.persons[i%10].ID))
			}
			return s
		},
		"FeatureNilAnd128": func() snapshot {
			c, tr := g.collection(facesnap.KindLargeFaceList)
			a, b := g.face(1, ""), g.face(2, "")
			a.Feature = nil
			return snapshot{coll: c, training: tr, faces: []facesnap.Face{a, b}}
		},
		"Unicode": func() snapshot {
			c, tr := g.collection(facesnap.KindPersonGroup)
			c.Name = "Équipe 東京 👩‍🔬"
			c.UserData = "ünïcödé\x00with nul"
			tr.Status, tr.Message = facesnap.TrainingFailed, "échec: pas de visage"
			p := g.person()
			p.Name, p.UserData = "Zoë Ångström", "名前"
			f := g.face(1, p.ID)
			f.UserData = `{"note":"😀"}`
			return snapshot{coll: c, training: tr, persons: []facesnap.Person{p}, faces: []facesnap.Face{f}}
		},
		"MaxLengths": func() snapshot {
			c, tr := g.collection(facesnap.KindLargePersonGroup)
			long := strings.Repeat("😀", facesnap.MaxUserDataLength) // 4 bytes each: MaxString
			c.Name, c.UserData, tr.Message = long, long, long
			p := g.person()
			p.Name, p.UserData = long, long
			f := g.face(1<<62, p.ID)
			f.UserData = long
			f.Feature = g.feature(MaxFeature)
			f.Rect = facesnap.Rect{Left: -1 << 40, Top: 1 << 40, Width: 1, Height: 0}
			return snapshot{coll: c, training: tr, persons: []facesnap.Person{p}, faces: []facesnap.Face{f}}
		},
		"Times": func() snapshot {
			c, tr := g.collection(facesnap.KindFaceList)
			c.CreatedAt = time.Unix(0, 0) // the epoch is not the zero time
			tr.LastActionAt = time.Date(2030, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
			tr.LastSuccessAt = time.Time{}
			return snapshot{coll: c, training: tr}
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			want := mk()
			file, wsum := write(t, want)
			got, rsum, err := read(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			// Times come back in UTC; FaceIDs are not stored.
			want.coll.CreatedAt = utc(want.coll.CreatedAt)
			for _, tm := range []*time.Time{&want.training.CreatedAt, &want.training.LastActionAt, &want.training.LastSuccessAt} {
				if !tm.IsZero() {
					*tm = utc(*tm)
				}
			}
			for i := range want.faces {
				want.faces[i].CreatedAt = utc(want.faces[i].CreatedAt)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
			}
			if wsum != rsum {
				t.Fatalf("summaries differ: wrote %+v, read %+v", wsum, rsum)
			}
			if wsum.Size != int64(len(file)) || wsum.Persons != int64(len(want.persons)) || wsum.Faces != int64(len(want.faces)) {
				t.Fatalf("summary %+v for %d bytes", wsum, len(file))
			}
			vc, vsum, err := Verify(bytes.NewReader(file))
			if err != nil || vsum != wsum || !reflect.DeepEqual(vc, got.coll) {
				t.Fatalf("Verify = %+v, %+v, %v; want %+v, %+v", vc, vsum, err, got.coll, wsum)
			}
		})
	}
}

func TestReader_RecordsAreIndependent(t *testing.T) {
	t.Parallel()
	s := smallSnapshot()
	s.faces[1].Feature = []float32{9, 9, 9, 9}
	file, _ := write(t, s)
	sr, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var kept []facesnap.Face
	for {
		rec, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Face != nil {
			kept = append(kept, *rec.Face)
		}
	}
	kept[0].Feature = append(kept[0].Feature, 1) // must not spill into the next face
	if !reflect.DeepEqual(kept[1].Feature, []float32{9, 9, 9, 9}) {
		t.Fatalf("second feature changed: %v", kept[1].Feature)
	}
}

func TestWriter_Errors(t *testing.T) {
	t.Parallel()
	coll := facesnap.Collection{CollectionRef: facesnap.CollectionRef{ID: "c"}}
	tooLong := strings.Repeat("x", MaxString+1)
	cases := map[string]func(w *Writer) error{
		"PersonBeforeCollection": func(w *Writer) error { return w.Person(facesnap.Person{ID: "p"}) },
		"FaceBeforeCollection":   func(w *Writer) error { return w.Face(facesnap.Face{ID: "f"}) },
		"CollectionTwice": func(w *Writer) error {
			w.Collection(coll, facesnap.Training{}, facesnap.CollectionStats{})
			return w.Collection(coll, facesnap.Training{}, facesnap.CollectionStats{})
		},
		"StringTooLong": func(w *Writer) error {
			w.Collection(coll, facesnap.Training{}, facesnap.CollectionStats{})
			return w.Person(facesnap.Person{ID: "p", UserData: tooLong})
		},
		"FeatureTooLong": func(w *Writer) error {
			w.Collection(coll, facesnap.Training{}, facesnap.CollectionStats{})
			return w.Face(facesnap.Face{ID: "f", Feature: make([]float32, MaxFeature+1)})
		},
		"TimeOutOfRange": func(w *Writer) error {
			c := coll
			c.CreatedAt = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
			return w.Collection(c, facesnap.Training{}, facesnap.CollectionStats{})
		},
		"CloseBeforeCollection": func(w *Writer) error { _, err := w.Close(); return err },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			w := NewWriter(io.Discard)
			if err := fn(w); err == nil {
				t.Fatal("no error")
			}
			// The failure sticks: no valid file can come out of it.
			if _, err := w.Close(); err == nil {
				t.Fatal("Close after a failure: no error")
			}
		})
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		n := f.n
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriter_DestinationFails(t *testing.T) {
	t.Parallel()
	s := smallSnapshot()
	full, _ := write(t, s)
	for _, n := range []int{0, 5, len(full) / 2, len(full) - 1} {
		w := NewWriter(&failWriter{n: n})
		w.Collection(s.coll, s.training, s.stats)
		for _, f := range s.faces {
			w.Face(f)
		}
		if _, err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("after %d bytes: Close = %v, want disk full", n, err)
		}
	}
}

// TestReader_ByteFlip changes every byte of a small file in several ways:
// each change must fail the read, never end it cleanly.
func TestReader_ByteFlip(t *testing.T) {
	t.Parallel()
	file, _ := write(t, smallSnapshot())
	t.Logf("%d bytes", len(file))
	for pos := range file {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(file)
			bad[pos] ^= mask
			_, _, err := read(bytes.NewReader(bad))
			if pos >= len(Magic) && pos < headerSize {
				if !errors.Is(err, ErrVersion) {
					t.Fatalf("byte %d ^ %#x (version): err = %v, want ErrVersion", pos, mask, err)
				}
				continue
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %#x: err = %v, want ErrCorrupt", pos, mask, err)
			}
		}
	}
}

func TestReader_Truncated(t *testing.T) {
	t.Parallel()
	file, _ := write(t, smallSnapshot())
	for n := range len(file) {
		_, _, err := read(bytes.NewReader(file[:n]))
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("first %d of %d bytes: err = %v, want ErrCorrupt", n, len(file), err)
		}
	}
}

func TestReader_Errors(t *testing.T) {
	t.Parallel()
	file, _ := write(t, smallSnapshot())
	cases := []struct {
		name string
		file []byte
		want error
		msg  string
	}{
		{"BadMagic", append([]byte("FACESNAQ"), file[8:]...), ErrCorrupt, "bad magic"},
		{"NotASnapshot", []byte("PK\x03\x04 a zip file, not a snapshot"), ErrCorrupt, "bad magic"},
		{"Empty", nil, ErrCorrupt, "truncated"},
		{"UnknownVersion", append([]byte("FACESNAP\x00\x02"), file[10:]...), ErrVersion, "version 2"},
		{"TrailingData", append(bytes.Clone(file), 0), ErrCorrupt, "after the trailer"},
		{"AppendedCopy", append(bytes.Clone(file), file...), ErrCorrupt, "after the trailer"},
		{"ChecksumMismatch", append(bytes.Clone(file[:len(file)-32]), make([]byte, 32)...), ErrCorrupt, "checksum mismatch"},
		{"TruncatedTrailer", file[:len(file)-1], ErrCorrupt, "truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(bytes.NewReader(tc.file))
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v with %q", err, tc.want, tc.msg)
			}
		})
	}
}

type errReader struct {
	r   io.Reader
	n   int
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, e.err
	}
	p = p[:min(len(p), e.n)]
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

// An I/O failure is reported as itself: the file may be fine.
func TestReader_IOError(t *testing.T) {
	t.Parallel()
	file, _ := write(t, smallSnapshot())
	boom := errors.New("connection reset")
	for _, n := range []int{0, 5, 20, len(file) - 10, len(file)} {
		_, _, err := read(&errReader{r: bytes.NewReader(file), n: n, err: boom})
		if !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
			t.Fatalf("after %d bytes: err = %v, want the I/O error", n, err)
		}
	}
}

func TestReader_NextAfterEnd(t *testing.T) {
	t.Parallel()
	file, _ := write(t, smallSnapshot())
	sr, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := sr.Next(); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
	}
	if _, err := sr.Next(); err != io.EOF {
		t.Fatalf("Next after the end = %v, want io.EOF", err)
	}
}
