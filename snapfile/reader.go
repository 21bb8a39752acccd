package snapfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"time"

	"github.com/klauspost/compress/zstd"

	"facesnap"
)

// Record is one person or face of a snapshot: exactly one of the fields
// is set.
//
// The Person or Face it points to belongs to the Reader and is overwritten
// by the next call to Next; copy the value (p := *rec.Person) to keep it.
// The strings and the Feature slice inside are never reused, so that plain
// copy is enough.
type Record struct {
	Person *facesnap.Person
	Face   *facesnap.Face
}

// Reader reads a snapshot file. It checks the file as it goes; damage is
// reported by Next at the latest when it reaches the end, so a consumer
// must not commit what it read before Next returned io.EOF. A Reader is
// not safe for concurrent use.
type Reader struct {
	src    *bufio.Reader // the file
	h      hash.Hash     // of the file's bytes consumed so far
	n      int64         // bytes consumed
	chunks *chunkReader
	dec    *zstd.Decoder
	recs   *bufio.Reader // decompressed records

	coll     facesnap.Collection
	training facesnap.Training
	stats    facesnap.CollectionStats

	person         facesnap.Person
	face           facesnap.Face
	persons, faces int64
	slab           []float32 // features are cut from it; never reused
	body           []byte    // a record too large for recs' buffer

	err error // sticky; io.EOF once the file is verified
	sum Summary
}

// NewReader opens a snapshot file: it checks the header and reads the
// collection record. It fails with ErrVersion for a version it does not
// know and with ErrCorrupt for anything that is not a snapshot file.
func NewReader(r io.Reader) (*Reader, error) {
	sr := &Reader{src: bufio.NewReaderSize(r, 64<<10), h: sha256.New()}
	var hdr [headerSize]byte
	if _, err := io.ReadFull(sr.src, hdr[:]); err != nil {
		return nil, sr.readErr("header", err)
	}
	sr.consume(hdr[:])
	if string(hdr[:len(Magic)]) != Magic {
		return nil, corruptf("bad magic %q", hdr[:len(Magic)])
	}
	if v := binary.BigEndian.Uint16(hdr[len(Magic):]); v != Version {
		return nil, fmt.Errorf("%w %d (this build reads version %d)", ErrVersion, v, Version)
	}
	sr.chunks = &chunkReader{r: sr}
	// One goroutine, synchronous: nothing leaks if the caller stops
	// early, and memory stays at the window plus a block.
	dec, err := zstd.NewReader(sr.chunks,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(maxWindow),
		zstd.WithDecoderMaxMemory(maxWindow),
		zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, fmt.Errorf("snapfile: new decoder: %w", err)
	}
	sr.dec = dec
	sr.recs = bufio.NewReaderSize(dec, 64<<10)
	tag, b, err := sr.record()
	if err != nil {
		sr.Close()
		return nil, err
	}
	if tag != tagCollection {
		sr.Close()
		return nil, corruptf("first record is %d, not the collection", tag)
	}
	if err := sr.parseCollection(b); err != nil {
		sr.Close()
		return nil, err
	}
	return sr, nil
}

// Collection returns the collection, its training and its stats as the
// snapshot recorded them. Times are in UTC.
func (r *Reader) Collection() (facesnap.Collection, facesnap.Training, facesnap.CollectionStats) {
	return r.coll, r.training, r.stats
}

// Next returns the next person or face. It returns io.EOF only after the
// end record, the counts and the file's checksum all proved right, and
// an error matching ErrCorrupt when they did not. After an error or
// io.EOF it keeps returning the same.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	tag, b, err := r.record()
	if err != nil {
		return Record{}, r.fail(err)
	}
	switch tag {
	case tagPerson:
		if err := r.parsePerson(b); err != nil {
			return Record{}, r.fail(err)
		}
		r.persons++
		return Record{Person: &r.person}, nil
	case tagFace:
		if err := r.parseFace(b); err != nil {
			return Record{}, r.fail(err)
		}
		r.faces++
		return Record{Face: &r.face}, nil
	case tagEnd:
		return Record{}, r.fail(r.end(b))
	case tagCollection:
		return Record{}, r.fail(corruptf("second collection record"))
	}
	return Record{}, r.fail(corruptf("unknown record tag %d", tag))
}

// Summary describes the file. It is complete once Next returned io.EOF;
// compare its SHA256 with the one recorded when the snapshot was taken to
// know the file is the one that was written, not only a well-formed one.
func (r *Reader) Summary() Summary { return r.sum }

// Close releases the decoder. Reading to io.EOF or to an error does it
// too; Close is for a caller that stops early.
func (r *Reader) Close() error {
	if r.dec != nil {
		r.dec.Close()
		r.dec = nil
	}
	if r.err == nil {
		r.err = errors.New("snapfile: reader closed")
	}
	return nil
}

func (r *Reader) fail(err error) error {
	if r.err == nil {
		r.err = err
		if r.dec != nil {
			r.dec.Close()
			r.dec = nil
		}
	}
	return r.err
}

// consume accounts for bytes read from the file.
func (r *Reader) consume(p []byte) {
	r.h.Write(p)
	r.n += int64(len(p))
}

// readErr turns a failed read of the file into a truncation or keeps an
// I/O error as it is: a network failure is not a damaged file.
func (r *Reader) readErr(what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corruptf("truncated in %s", what)
	}
	return fmt.Errorf("snapfile: read %s: %w", what, err)
}

// decErr classifies a failed read of the decompressed data.
func (r *Reader) decErr(err error) error {
	if r.chunks.err != nil {
		return r.chunks.err // the file's own failure, not the decoder's view of it
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corruptf("compressed data ends before the end record")
	}
	return fmt.Errorf("%w: compressed data: %w", ErrCorrupt, err)
}

// record reads one record and returns its tag and body. The body is valid
// until the next read.
func (r *Reader) record() (byte, []byte, error) {
	tag, err := r.recs.ReadByte()
	if err != nil {
		return 0, nil, r.decErr(err)
	}
	n, err := binary.ReadUvarint(r.recs)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, r.decErr(err)
		}
		return 0, nil, corruptf("record length: %v", err)
	}
	if n > maxRecord {
		return 0, nil, corruptf("record of %d bytes, more than %d", n, maxRecord)
	}
	if int(n) <= r.recs.Size() {
		// Parse in place; Peek's slice lasts until the next read.
		b, err := r.recs.Peek(int(n))
		if err != nil {
			return 0, nil, r.decErr(err)
		}
		r.recs.Discard(len(b))
		return tag, b, nil
	}
	if cap(r.body) < int(n) {
		r.body = make([]byte, n) // n is capped above
	}
	b := r.body[:n]
	if _, err := io.ReadFull(r.recs, b); err != nil {
		return 0, nil, r.decErr(err)
	}
	return tag, b, nil
}

// end checks the end record, that nothing follows it, and the trailer.
func (r *Reader) end(b []byte) error {
	c := cursor{b: b}
	persons, faces := c.uvarint(), c.uvarint()
	if err := c.done("end"); err != nil {
		return err
	}
	if persons != uint64(r.persons) || faces != uint64(r.faces) {
		return corruptf("count mismatch: end record says %d persons and %d faces, file has %d and %d",
			persons, faces, r.persons, r.faces)
	}
	// Read on to the decoder's end: it checks its frame checksum there.
	if _, err := r.recs.ReadByte(); err == nil {
		return corruptf("data after the end record")
	} else if err != io.EOF {
		return r.decErr(err)
	}
	if !r.chunks.end {
		return corruptf("compressed data ends before its last chunk")
	}
	want := r.h.Sum(nil)
	var got [trailerSize]byte
	if _, err := io.ReadFull(r.src, got[:]); err != nil {
		return r.readErr("trailer", err)
	}
	r.consume(got[:])
	if !bytes.Equal(got[:], want) {
		return corruptf("checksum mismatch")
	}
	if _, err := r.src.ReadByte(); err == nil {
		return corruptf("data after the trailer")
	} else if err != io.EOF {
		return r.readErr("trailer", err)
	}
	r.sum = Summary{Persons: r.persons, Faces: r.faces, Size: r.n, SHA256: hex.EncodeToString(r.h.Sum(nil))}
	return io.EOF
}

func (r *Reader) parseCollection(b []byte) error {
	c := cursor{b: b}
	r.coll.Account = c.string()
	r.coll.Kind = facesnap.Kind(c.string())
	r.coll.ID = c.string()
	r.coll.Name = c.string()
	r.coll.UserData = c.string()
	r.coll.RecognitionModel = c.string()
	r.training.Status = facesnap.TrainingState(c.string())
	r.training.Message = c.string()
	r.coll.CreatedAt = c.time()
	r.training.CreatedAt = c.time()
	r.training.LastActionAt = c.time()
	r.training.LastSuccessAt = c.time()
	r.training.TrainedSeq = c.varint()
	r.stats.Persons = c.varint()
	r.stats.Faces = c.varint()
	r.stats.MaxSeq = c.varint()
	return c.done("collection")
}

func (r *Reader) parsePerson(b []byte) error {
	c := cursor{b: b}
	var f [3][2]int
	for i := range f {
		f[i] = c.span()
	}
	// One allocation for the three strings.
	s := c.prefix()
	r.person = facesnap.Person{ID: s[f[0][0]:f[0][1]], Name: s[f[1][0]:f[1][1]], UserData: s[f[2][0]:f[2][1]]}
	return c.done("person")
}

func (r *Reader) parseFace(b []byte) error {
	c := cursor{b: b}
	var f [4][2]int
	for i := range f {
		f[i] = c.span()
	}
	s := c.prefix() // one allocation for the four strings
	r.face = facesnap.Face{
		ID:             s[f[0][0]:f[0][1]],
		PersonID:       s[f[1][0]:f[1][1]],
		UserData:       s[f[2][0]:f[2][1]],
		DetectionModel: s[f[3][0]:f[3][1]],
	}
	r.face.CreatedAt = c.time()
	r.face.Rect.Left = c.int()
	r.face.Rect.Top = c.int()
	r.face.Rect.Width = c.int()
	r.face.Rect.Height = c.int()
	r.face.Seq = c.varint()
	n := c.uvarint()
	if n > MaxFeature {
		return corruptf("face feature of %d floats, more than %d", n, MaxFeature)
	}
	raw := c.next(int(n) * 4)
	if c.err == nil && n > 0 {
		r.face.Feature = r.feature(int(n))
		for i := range r.face.Feature {
			r.face.Feature[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	}
	return c.done("face")
}

// slabSize is how many floats one feature allocation holds: 64 features
// of 128 share it.
const slabSize = 8192

// feature returns a slice of n floats that nothing else uses. Features are
// cut from a shared slab, capped so that an append cannot spill into the
// next one.
func (r *Reader) feature(n int) []float32 {
	if len(r.slab) < n {
		r.slab = make([]float32, max(slabSize, n))
	}
	f := r.slab[:n:n]
	r.slab = r.slab[n:]
	return f
}

// cursor decodes a record body. The first failure sticks, so a parse
// reads every field and checks once at the end.
type cursor struct {
	b   []byte
	off int
	err error
}

func (c *cursor) fail(what string) {
	if c.err == nil {
		c.err = corruptf("bad %s at byte %d of a record", what, c.off)
	}
}

func (c *cursor) next(n int) []byte {
	if c.err != nil {
		return nil
	}
	if n < 0 || n > len(c.b)-c.off {
		c.fail("length")
		return nil
	}
	p := c.b[c.off : c.off+n]
	c.off += n
	return p
}

func (c *cursor) uvarint() uint64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Uvarint(c.b[c.off:])
	if n <= 0 {
		c.fail("uvarint")
		return 0
	}
	c.off += n
	return v
}

func (c *cursor) varint() int64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Varint(c.b[c.off:])
	if n <= 0 {
		c.fail("varint")
		return 0
	}
	c.off += n
	return v
}

func (c *cursor) int() int {
	v := c.varint()
	if int64(int(v)) != v {
		c.fail("int")
		return 0
	}
	return int(v)
}

// span skips a string field and returns where its bytes are.
func (c *cursor) span() [2]int {
	n := c.uvarint()
	if n > MaxString {
		c.fail("string length")
		return [2]int{}
	}
	start := c.off
	c.next(int(n))
	if c.err != nil {
		return [2]int{}
	}
	return [2]int{start, c.off}
}

// prefix returns the bytes read so far as one string, for spans to slice.
func (c *cursor) prefix() string {
	if c.err != nil {
		return ""
	}
	return string(c.b[:c.off])
}

func (c *cursor) string() string {
	sp := c.span()
	if c.err != nil {
		return ""
	}
	return string(c.b[sp[0]:sp[1]])
}

func (c *cursor) time() time.Time {
	flag := c.next(1)
	if c.err != nil {
		return time.Time{}
	}
	switch flag[0] {
	case 0:
		return time.Time{}
	case 1:
		ns := c.varint()
		if c.err != nil {
			return time.Time{}
		}
		return time.Unix(0, ns).UTC()
	}
	c.fail("time")
	return time.Time{}
}

// done reports a parse failure, or bytes left over: a version 1 record
// has exactly its fields.
func (c *cursor) done(what string) error {
	if c.err != nil {
		return fmt.Errorf("%w (%s record)", c.err, what)
	}
	if c.off != len(c.b) {
		return corruptf("%d extra bytes in a %s record", len(c.b)-c.off, what)
	}
	return nil
}

// chunkReader reads the compressed data out of its chunks, hashing the
// file's bytes as they go by, and reports io.EOF at the empty chunk that
// ends it.
type chunkReader struct {
	r    *Reader
	left int  // bytes left in the current chunk
	end  bool // the empty chunk was read
	err  error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.end {
		return 0, io.EOF
	}
	if c.left == 0 {
		var hdr [chunkHdrSize]byte
		if _, err := io.ReadFull(c.r.src, hdr[:]); err != nil {
			c.err = c.r.readErr("chunk header", err)
			return 0, c.err
		}
		c.r.consume(hdr[:])
		n := binary.BigEndian.Uint32(hdr[:])
		if n == 0 {
			c.end = true
			return 0, io.EOF
		}
		if n > maxChunk {
			c.err = corruptf("chunk of %d bytes, more than %d", n, maxChunk)
			return 0, c.err
		}
		c.left = int(n)
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.src.Read(p)
	c.r.consume(p[:n])
	c.left -= n
	if err != nil && (err != io.EOF || c.left > 0) {
		c.err = c.r.readErr("chunk", err)
		return n, c.err
	}
	return n, nil
}

// Verify reads a whole snapshot file and checks it. It returns the
// collection the file holds and the file's summary.
func Verify(r io.Reader) (facesnap.Collection, Summary, error) {
	sr, err := NewReader(r)
	if err != nil {
		return facesnap.Collection{}, Summary{}, err
	}
	defer sr.Close()
	for {
		if _, err := sr.Next(); err != nil {
			if err == io.EOF {
				c, _, _ := sr.Collection()
				return c, sr.Summary(), nil
			}
			return facesnap.Collection{}, Summary{}, err
		}
	}
}
