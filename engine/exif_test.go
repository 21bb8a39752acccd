package engine

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withOrientation returns a JPEG of img carrying an EXIF orientation tag,
// in the given byte order.
func withOrientation(t *testing.T, img image.Image, orientation uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], orientation)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	app1 = append(app1, seg...)
	data := buf.Bytes()
	return append(append(append([]byte{}, data[:2]...), app1...), data[2:]...)
}

func TestJPEGOrientation(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for o := uint16(1); o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			if got := JPEGOrientation(withOrientation(t, img, o, bo)); got != int(o) {
				t.Errorf("orientation %d (%v): got %d", o, bo, got)
			}
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"no exif":     plain.Bytes(),
		"not a jpeg":  []byte("\x89PNG\r\n\x1a\n...."),
		"empty":       nil,
		"truncated":   withOrientation(t, img, 6, binary.BigEndian)[:20],
		"bad value 9": withOrientation(t, img, 9, binary.BigEndian),
	} {
		if got := JPEGOrientation(data); got != 1 {
			t.Errorf("%s: got %d, want 1", name, got)
		}
	}
}

func TestOrient(t *testing.T) {
	t.Parallel()
	// A 3×2 image whose pixels are numbered 1..6 row by row:
	//   1 2 3
	//   4 5 6
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := 0; i < 6; i++ {
		src.Set(i%3, i/3, color.RGBA{R: uint8(i + 1), A: 255})
	}
	// What a viewer shows for each orientation, row by row.
	want := map[int][][]uint8{
		1: {{1, 2, 3}, {4, 5, 6}},
		2: {{3, 2, 1}, {6, 5, 4}},
		3: {{6, 5, 4}, {3, 2, 1}},
		4: {{4, 5, 6}, {1, 2, 3}},
		5: {{1, 4}, {2, 5}, {3, 6}},
		6: {{4, 1}, {5, 2}, {6, 3}},
		7: {{6, 3}, {5, 2}, {4, 1}},
		8: {{3, 6}, {2, 5}, {1, 4}},
	}
	for o, rows := range want {
		got := Orient(src, o)
		b := got.Bounds()
		if b.Dy() != len(rows) || b.Dx() != len(rows[0]) {
			t.Errorf("orientation %d: size %v", o, b.Size())
			continue
		}
		for y, row := range rows {
			for x, v := range row {
				if r, _, _, _ := got.At(x, y).RGBA(); uint8(r>>8) != v {
					t.Errorf("orientation %d: (%d,%d) = %d, want %d", o, x, y, r>>8, v)
				}
			}
		}
	}
}
