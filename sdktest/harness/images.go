package harness

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
)

// noise draws a w×h picture of coloured noise from seed. Noise does not
// compress, so even a small picture is well above the service's 1 KB
// minimum image size.
func noise(w, h int, seed uint64) *image.NRGBA {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := r.Uint32()
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(v), G: uint8(v >> 8), B: uint8(v >> 16), A: 255})
		}
	}
	return img
}

// PNG returns a w×h noise PNG; seed picks the noise.
func PNG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, noise(w, h, seed)); err != nil {
		t.Fatalf("encode png: %v", err)
	}
	if buf.Len() < 1024 {
		t.Fatalf("test PNG %dx%d is only %d bytes", w, h, buf.Len())
	}
	return buf.Bytes()
}

// JPEG returns a w×h noise JPEG; seed picks the noise.
func JPEG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, noise(w, h, seed), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatalf("encode jpeg: %v", err)
	}
	if buf.Len() < 1024 {
		t.Fatalf("test JPEG %dx%d is only %d bytes", w, h, buf.Len())
	}
	return buf.Bytes()
}

// ServeImage serves data at /image (and a 404 at /missing) on a loopback
// httptest server for the test's lifetime and returns the image's URL.
func ServeImage(t testing.TB, data []byte, contentType string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(data)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/image"
}

// BMP returns a w×h noise BMP (24-bit, bottom-up), which the service
// accepts alongside JPEG, PNG and GIF.
func BMP(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	img := noise(w, h, seed)
	rowSize := (3*w + 3) &^ 3
	size := 54 + rowSize*h
	b := make([]byte, size)
	le32 := func(off int, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	b[0], b[1] = 'B', 'M'
	le32(2, uint32(size))
	le32(10, 54)         // pixel data offset
	le32(14, 40)         // BITMAPINFOHEADER
	le32(18, uint32(w))  // width
	le32(22, uint32(h))  // height (positive: bottom-up)
	b[26], b[28] = 1, 24 // planes, bits per pixel
	le32(34, uint32(rowSize*h))
	for y := 0; y < h; y++ {
		row := b[54+(h-1-y)*rowSize:]
		for x := 0; x < w; x++ {
			c := img.NRGBAAt(x, y)
			row[3*x], row[3*x+1], row[3*x+2] = c.B, c.G, c.R
		}
	}
	return b
}

// GIF returns a w×h noise GIF in the web-safe palette.
func GIF(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, noise(w, h, seed), nil); err != nil {
		t.Fatalf("encode gif: %v", err)
	}
	if buf.Len() < 1024 {
		t.Fatalf("test GIF %dx%d is only %d bytes", w, h, buf.Len())
	}
	return buf.Bytes()
}
