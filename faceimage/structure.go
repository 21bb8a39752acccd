package faceimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// errStructure says an image's framing is broken. Decode turns it into the
// service's InvalidImage error.
var errStructure = errors.New("faceimage: corrupt image structure")

// checkJPEG walks the segments after SOI up to the first scan and requires
// an EOI marker after it. That catches truncated uploads (the usual
// corruption) without entropy-decoding the scan. It is as lenient as the
// standard decoder about stray bytes between segments, so whatever that
// decoder accepts passes here.
func checkJPEG(b []byte) error {
	i := 2 // after SOI, which sniff has seen
	for {
		// Find the next marker: skip stray bytes, then 0xff fill bytes.
		for i < len(b) && b[i] != 0xff {
			i++
		}
		for i < len(b) && b[i] == 0xff {
			i++
		}
		if i >= len(b) {
			return errStructure
		}
		m := b[i]
		i++
		switch {
		case m == 0xd9: // EOI before any scan: no picture at all
			return errStructure
		case m == 0x00, m >= 0xd0 && m <= 0xd7:
			continue // a stuffed byte or RSTn: no length follows
		}
		if i+2 > len(b) {
			return errStructure
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return errStructure
		}
		i += n
		if m == 0xda { // SOS: entropy-coded data follows
			// Inside the scan 0xff is always stuffed, so 0xff 0xd9 is a
			// real marker: the picture runs to its end.
			if bytes.LastIndex(b[i:], []byte{0xff, 0xd9}) < 0 {
				return errStructure
			}
			return nil
		}
	}
}

// checkPNG walks the chunks, verifies each chunk's CRC (as the standard
// decoder will) and requires image data and IEND. CRC-32 runs at gigabytes
// per second, so this is much cheaper than inflating the pixels.
func checkPNG(b []byte) error {
	i := 8 // after the signature
	idat := false
	for {
		if len(b)-i < 12 {
			return errStructure
		}
		n := binary.BigEndian.Uint32(b[i:])
		if n > 1<<31-1 || uint64(len(b)-i-12) < uint64(n) {
			return errStructure
		}
		end := i + 8 + int(n)
		if crc32.ChecksumIEEE(b[i+4:end]) != binary.BigEndian.Uint32(b[end:]) {
			return errStructure
		}
		switch string(b[i+4 : i+8]) {
		case "IDAT":
			idat = true
		case "IEND":
			if !idat {
				return errStructure
			}
			return nil
		}
		i = end + 4
	}
}

// checkGIF walks the blocks up to the end of the first frame's image data,
// the part the standard decoder reads.
func checkGIF(b []byte) error {
	const header = 13 // signature, version, logical screen descriptor
	if len(b) < header {
		return errStructure
	}
	i := header + colorTableLen(b[10])
	for i < len(b) {
		switch b[i] {
		case 0x21: // extension: label, then sub-blocks
			if i+2 > len(b) {
				return errStructure
			}
			start := i + 2
			if b[i+1] == 0x01 {
				// Plain text: the standard decoder takes a fixed 13-byte
				// header whatever its size byte says.
				start = i + 2 + 13
			}
			var ok bool
			if i, ok = skipSubBlocks(b, start); !ok {
				return errStructure
			}
		case 0x2c: // image descriptor, color table, LZW code size, data
			if i+10 > len(b) {
				return errStructure
			}
			i += 10 + colorTableLen(b[i+9]) + 1
			if _, ok := skipSubBlocks(b, i); !ok {
				return errStructure
			}
			return nil
		default: // the trailer, or garbage, before any frame
			return errStructure
		}
	}
	return errStructure
}

// colorTableLen is the size of the color table a GIF descriptor's packed
// fields announce.
func colorTableLen(fields byte) int {
	if fields&0x80 == 0 {
		return 0
	}
	return 3 << (1 + fields&0x07)
}

// skipSubBlocks skips GIF data sub-blocks from i through the zero-length
// terminator, which the standard decoder requires.
func skipSubBlocks(b []byte, i int) (int, bool) {
	for i < len(b) {
		n := int(b[i])
		i++
		if n == 0 {
			return i, true
		}
		i += n
	}
	return i, false
}

// checkBMP checks that the file holds the whole pixel array. The supported
// BMPs are uncompressed, so the length is exact; DecodeConfig has already
// checked the header and that the array starts at the offset it records.
func checkBMP(b []byte, width, height int) error {
	offset := int64(binary.LittleEndian.Uint32(b[10:14]))
	bpp := int64(binary.LittleEndian.Uint16(b[28:30]))
	row := (int64(width)*bpp + 31) / 32 * 4
	if int64(len(b)) < offset+row*int64(height) {
		return errStructure
	}
	return nil
}
