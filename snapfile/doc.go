// Package snapfile is the data format of a snapshot: a point-in-time copy
// of one face collection, written by one deployment and applied by
// another.
//
// A Writer is a facesnap.DumpSink, so Store.CollectionDump streams a
// collection straight into a file; a Reader streams it back record by
// record. Neither holds more than a record and the compressor's window
// (a few MiB) whatever the collection's size.
//
// # Layout, version 1
//
// All integers in the header, chunk headers and trailer are big-endian.
//
//	header   "FACESNAP" (8 bytes), version uint16
//	chunks   repeated: length uint32 (1..1 MiB), that many bytes
//	end      length uint32 = 0
//	trailer  SHA-256 (32 bytes) of header, chunks and end
//
// The chunks, concatenated, are one zstd stream. Framing it in chunks
// tells the reader where it stops without trusting the decoder to read no
// further than its frame. Decompressed, the stream is a sequence of
// records:
//
//	record   tag byte, body length uvarint (at most 1 MiB), body
//
// Body fields, in order, use these encodings: string = uvarint length (at
// most MaxString) then UTF-8 bytes; int = zigzag varint; count = uvarint;
// time = byte 0 for the zero time, or byte 1 then Unix nanoseconds as an
// int (the location is not kept: times read back in UTC).
//
//	1 collection  account, kind, id, name, userData, recognitionModel,
//	              training status, training message (strings);
//	              createdAt, training createdAt, lastActionAt,
//	              lastSuccessAt (times); trainedSeq, stats persons,
//	              faces, maxSeq (ints)
//	2 person      id, name, userData (strings)
//	3 face        id, personId, userData, detectionModel (strings);
//	              createdAt (time); rect left, top, width, height, seq
//	              (ints); feature: count (at most MaxFeature) then that
//	              many float32, little-endian
//	4 end         persons, faces (counts)
//
// The collection record comes first and once, the end record last; a
// record has exactly its fields (a new field is a new version). A
// person's FaceIDs are not stored: faces name their person. A face with
// no feature reads back with a nil Feature.
//
// # Integrity
//
// A reader rejects, as an error matching ErrCorrupt, anything that breaks
// the layout: bad magic, an oversized length, a record that does not
// parse, compressed data the decoder refuses (zstd has its own frame
// checksum), counts that disagree with the end record, a checksum that
// does not match, a truncated file or bytes after the trailer. Many are
// seen at once; a change that still parses is seen at the end, when the
// trailer is checked, which is why Next returns io.EOF only after that
// check and a consumer must commit nothing before it.
//
// The trailer proves the file is whole, not who wrote it: anyone can
// recompute it. Compare Reader.Summary().SHA256 with the digest recorded
// when the snapshot was taken (facesnap.Snapshot.SHA256) to know the file
// is that snapshot.
package snapfile
