package snapfile

import (
	"bufio"
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

// level is the zstd level the writer uses. Measured on 100,000 realistic
// faces (BENCHMARKS.md, "Snapshot format"): fastest writes 539 B/face,
// default 534 (-1%) at about twice the CPU, best 526 (-2.4%) at 25 times.
// Face features are near-random floats; only their exponent bytes and
// the ids compress, and every level finds that, so the cheapest wins.
const level = zstd.SpeedFastest

// window is the zstd window the writer uses. Faces do not repeat, so a
// larger one buys nothing (8 MiB gave the same bytes on 30,000 faces;
// 64 KiB was 1% larger) and costs memory on both sides.
const window = 1 << 20

// Writer writes a snapshot file. It is a facesnap.DumpSink: pass it to
// Store.CollectionDump, then call Close. Collection must come first; after
// it, persons and faces in any order. A Writer is not safe for concurrent
// use.
type Writer struct {
	hw  *hashWriter   // what reaches the destination, counted and hashed
	out *bufio.Writer // buffers chunks on their way to hw
	enc *zstd.Encoder // writes chunks through chunkWriter
	rec *bufio.Writer // batches records on their way to enc

	scratch []byte // one record, reused so the hot path does not allocate

	started        bool
	persons, faces int64
	err            error // sticky: the first failure
	closed         bool
	sum            Summary
}

var _ facesnap.DumpSink = (*Writer)(nil)

// NewWriter returns a Writer that writes a snapshot file to w. Nothing is
// complete until Close returns without error.
func NewWriter(w io.Writer) *Writer { return newWriter(w, level) }

// newWriter lets the benchmarks compare levels.
func newWriter(w io.Writer, lvl zstd.EncoderLevel) *Writer {
	sw := &Writer{hw: &hashWriter{w: w, h: sha256.New()}}
	sw.out = bufio.NewWriterSize(sw.hw, 64<<10)
	var hdr [headerSize]byte
	copy(hdr[:], Magic)
	binary.BigEndian.PutUint16(hdr[len(Magic):], Version)
	sw.out.Write(hdr[:]) // a bufio error is sticky and surfaces on Flush
	// One goroutine: the encoder then compresses in the caller's goroutine
	// and holds one block, which keeps memory at a few MiB.
	enc, err := zstd.NewWriter(&chunkWriter{w: sw.out},
		zstd.WithEncoderLevel(lvl),
		zstd.WithWindowSize(window),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		sw.err = fmt.Errorf("snapfile: new encoder: %w", err)
		return sw
	}
	sw.enc = enc
	sw.rec = bufio.NewWriterSize(enc, 64<<10)
	sw.scratch = make([]byte, 0, 4<<10)
	return sw
}

// Collection writes the collection record. It must be the first call.
func (w *Writer) Collection(c facesnap.Collection, t facesnap.Training, stats facesnap.CollectionStats) error {
	if w.err != nil {
		return w.err
	}
	if w.started {
		return w.fail(errors.New("snapfile: Collection called twice"))
	}
	w.started = true
	b := w.begin()
	var err error
	for _, s := range []struct{ name, v string }{
		{"account", c.Account}, {"kind", string(c.Kind)}, {"id", c.ID},
		{"name", c.Name}, {"userData", c.UserData},
		{"recognitionModel", c.RecognitionModel},
		{"training status", string(t.Status)}, {"training message", t.Message},
	} {
		if b, err = appendString(b, s.name, s.v); err != nil {
			return w.fail(fmt.Errorf("snapfile: collection %s: %w", c.ID, err))
		}
	}
	for _, tm := range []time.Time{c.CreatedAt, t.CreatedAt, t.LastActionAt, t.LastSuccessAt} {
		if b, err = appendTime(b, tm); err != nil {
			return w.fail(fmt.Errorf("snapfile: collection %s: %w", c.ID, err))
		}
	}
	b = binary.AppendVarint(b, t.TrainedSeq)
	b = binary.AppendVarint(b, stats.Persons)
	b = binary.AppendVarint(b, stats.Faces)
	b = binary.AppendVarint(b, stats.MaxSeq)
	return w.finish(tagCollection, b)
}

// Person writes a person record. FaceIDs are not stored: each face record
// names its person, and the faces' order gives the ids' order.
func (w *Writer) Person(p facesnap.Person) error {
	if err := w.ready(); err != nil {
		return err
	}
	b := w.begin()
	var err error
	if b, err = appendString(b, "id", p.ID); err == nil {
		if b, err = appendString(b, "name", p.Name); err == nil {
			b, err = appendString(b, "userData", p.UserData)
		}
	}
	if err != nil {
		return w.fail(fmt.Errorf("snapfile: person %s: %w", p.ID, err))
	}
	w.persons++
	return w.finish(tagPerson, b)
}

// Face writes a face record.
func (w *Writer) Face(f facesnap.Face) error {
	if err := w.ready(); err != nil {
		return err
	}
	if len(f.Feature) > MaxFeature {
		return w.fail(fmt.Errorf("snapfile: face %s: feature of %d floats, more than %d", f.ID, len(f.Feature), MaxFeature))
	}
	b := w.begin()
	var err error
	// The strings come first so that a reader can turn them into one
	// string allocation.
	if b, err = appendString(b, "id", f.ID); err == nil {
		if b, err = appendString(b, "personId", f.PersonID); err == nil {
			if b, err = appendString(b, "userData", f.UserData); err == nil {
				if b, err = appendString(b, "detectionModel", f.DetectionModel); err == nil {
					b, err = appendTime(b, f.CreatedAt)
				}
			}
		}
	}
	if err != nil {
		return w.fail(fmt.Errorf("snapfile: face %s: %w", f.ID, err))
	}
	b = binary.AppendVarint(b, int64(f.Rect.Left))
	b = binary.AppendVarint(b, int64(f.Rect.Top))
	b = binary.AppendVarint(b, int64(f.Rect.Width))
	b = binary.AppendVarint(b, int64(f.Rect.Height))
	b = binary.AppendVarint(b, f.Seq)
	b = binary.AppendUvarint(b, uint64(len(f.Feature)))
	for _, v := range f.Feature {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	w.faces++
	return w.finish(tagFace, b)
}

// Close writes the end record and the trailer and reports what it wrote.
// The destination holds a valid snapshot only if Close returns no error.
// Close does not close the destination; calling it again returns the
// same result.
func (w *Writer) Close() (Summary, error) {
	if w.closed {
		return w.sum, w.err
	}
	w.closed = true
	if w.err == nil && !w.started {
		w.err = errors.New("snapfile: Close before Collection")
	}
	if w.err == nil {
		b := w.begin()
		b = binary.AppendUvarint(b, uint64(w.persons))
		b = binary.AppendUvarint(b, uint64(w.faces))
		w.finish(tagEnd, b)
	}
	if w.err == nil {
		if err := w.rec.Flush(); err != nil {
			w.fail(fmt.Errorf("snapfile: write: %w", err))
		}
	}
	if w.enc != nil {
		// Close even after a failure: it releases the encoder's buffers.
		if err := w.enc.Close(); err != nil && w.err == nil {
			w.fail(fmt.Errorf("snapfile: compress: %w", err))
		}
	}
	if w.err != nil {
		return Summary{}, w.err
	}
	var end [chunkHdrSize]byte // a zero-length chunk ends the compressed data
	w.out.Write(end[:])
	if err := w.out.Flush(); err != nil {
		return Summary{}, w.fail(fmt.Errorf("snapfile: write: %w", err))
	}
	if _, err := w.hw.Write(w.hw.h.Sum(nil)); err != nil {
		return Summary{}, w.fail(fmt.Errorf("snapfile: write: %w", err))
	}
	w.sum = Summary{
		Persons: w.persons,
		Faces:   w.faces,
		Size:    w.hw.n,
		SHA256:  hex.EncodeToString(w.hw.h.Sum(nil)),
	}
	return w.sum, nil
}

func (w *Writer) ready() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return w.fail(errors.New("snapfile: write after Close"))
	}
	if !w.started {
		return w.fail(errors.New("snapfile: Collection must be written first"))
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// recordHdr is room for a tag and the body length in front of a record.
const recordHdr = 1 + binary.MaxVarintLen64

// begin returns the scratch buffer with room for the record header.
func (w *Writer) begin() []byte {
	return w.scratch[:recordHdr]
}

// finish puts the header in front of body b and writes the record.
func (w *Writer) finish(tag byte, b []byte) error {
	w.scratch = b[:0] // keep a grown buffer for the next record
	n := len(b) - recordHdr
	if n > maxRecord {
		return w.fail(fmt.Errorf("snapfile: record of %d bytes, more than %d", n, maxRecord))
	}
	var hdr [recordHdr]byte
	hdr[0] = tag
	h := binary.AppendUvarint(hdr[:1], uint64(n))
	start := recordHdr - len(h)
	copy(b[start:], h)
	if _, err := w.rec.Write(b[start:]); err != nil {
		return w.fail(fmt.Errorf("snapfile: write: %w", err))
	}
	return nil
}

func appendString(b []byte, field, s string) ([]byte, error) {
	if len(s) > MaxString {
		return b, fmt.Errorf("%s of %d bytes, more than %d", field, len(s), MaxString)
	}
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...), nil
}

// appendTime stores a flag (the zero time has no Unix nanoseconds) and,
// for a set time, its Unix nanoseconds. The location is not kept.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if t.IsZero() {
		return append(b, 0), nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return b, fmt.Errorf("time %v out of range", t)
	}
	b = append(b, 1)
	return binary.AppendVarint(b, t.UnixNano()), nil
}

// hashWriter counts and hashes what reaches w.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

// chunkWriter frames compressed data in length-prefixed chunks, so that a
// reader knows where the compressed data ends without relying on the
// decoder to stop exactly at the end of its frame.
type chunkWriter struct {
	w   io.Writer
	hdr [chunkHdrSize]byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 { // never an empty chunk: that one marks the end
		n := min(len(p), maxChunk)
		binary.BigEndian.PutUint32(c.hdr[:], uint32(n))
		if _, err := c.w.Write(c.hdr[:]); err != nil {
			return written, err
		}
		m, err := c.w.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}
