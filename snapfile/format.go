package snapfile

import (
	"errors"
	"fmt"
	"time"
)

// Magic opens every snapshot file.
const Magic = "FACESNAP"

// Version is the format version this package writes and reads. A reader
// refuses any other version rather than guess at its layout.
const Version uint16 = 1

// Limits of the format. The writer refuses values beyond them, so the
// reader can refuse them as corruption and never allocates more than
// maxRecord for a record whatever the input says.
const (
	// MaxString is the longest string field, in bytes: 16384 characters
	// of user data at four bytes each.
	MaxString = 1 << 16
	// MaxFeature is the longest face feature, in float32s.
	MaxFeature = 8192

	maxRecord = 1 << 20 // a record body; the largest legal one is ~512 KiB
	maxChunk  = 1 << 20 // a chunk of compressed data
	// maxWindow bounds the zstd window a reader accepts, and so the
	// decoder's memory. The writer uses a smaller one.
	maxWindow    = 8 << 20
	headerSize   = len(Magic) + 2
	chunkHdrSize = 4
	trailerSize  = 32 // SHA-256
)

// Record tags.
const (
	tagCollection byte = 1
	tagPerson     byte = 2
	tagFace       byte = 3
	tagEnd        byte = 4
)

// Times are stored as Unix nanoseconds, which cover these years only.
var (
	minTime = time.Unix(0, -1<<63)
	maxTime = time.Unix(0, 1<<63-1)
)

// ErrCorrupt matches every error that says a snapshot file is damaged:
// truncated, altered, or not a snapshot file at all.
var ErrCorrupt = errors.New("snapfile: corrupt snapshot")

// ErrVersion matches the error for a file of a format version this build
// does not read, most likely written by a newer facesnap.
var ErrVersion = errors.New("snapfile: unsupported format version")

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Summary describes a whole snapshot file, as written or as verified.
type Summary struct {
	Persons int64
	Faces   int64
	Size    int64  // bytes of the file
	SHA256  string // hex SHA-256 of the whole file, trailer included
}
