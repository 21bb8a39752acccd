package faceimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"sync"
	"testing"

	"golang.org/x/image/bmp"

	"facesnap"
)

// noisy returns a w×h picture with enough noise that it never compresses
// below the 1 KB minimum.
func noisy(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(32))
			img.SetRGBA(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, 100 + n, 255})
		}
	}
	return img
}

func encode(t testing.TB, f Format, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch f {
	case FormatJPEG:
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	case FormatPNG:
		err = png.Encode(&b, img)
	case FormatGIF:
		err = gif.Encode(&b, img, &gif.Options{NumColors: 256})
	case FormatBMP:
		err = bmp.Encode(&b, img)
	}
	if err != nil {
		t.Fatalf("encode %s: %v", f, err)
	}
	return b.Bytes()
}

// paletted converts img to the web palette, which bmp.Encode writes as an
// 8-bit BMP.
func paletted(img image.Image) *image.Paletted {
	p := image.NewPaletted(img.Bounds(), palette.WebSafe)
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			p.Set(x, y, img.At(x, y))
		}
	}
	return p
}

// pad appends bytes after the end of the image, which every decoder
// ignores, to reach an exact size.
func pad(b []byte, size int) []byte {
	if len(b) > size {
		panic(fmt.Sprintf("pad: %d bytes are more than %d already", len(b), size))
	}
	out := make([]byte, size)
	copy(out, b)
	return out
}

// pngWithSize rewrites the IHDR of a PNG to declare w×h, with a valid CRC,
// leaving the pixel data as it was.
func pngWithSize(b []byte, w, h uint32) []byte {
	out := bytes.Clone(b)
	// signature(8) length(4) "IHDR"(4) width(4) height(4) ... crc after 13 data bytes
	binary.BigEndian.PutUint32(out[16:], w)
	binary.BigEndian.PutUint32(out[20:], h)
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

// bmpWithSize rewrites a BMP header to declare w×h.
func bmpWithSize(b []byte, w, h uint32) []byte {
	out := bytes.Clone(b)
	binary.LittleEndian.PutUint32(out[18:], w)
	binary.LittleEndian.PutUint32(out[22:], h)
	return out
}

func wantInvalid(t *testing.T, err error, reason facesnap.Reason, msg string) {
	t.Helper()
	var ie *facesnap.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want *facesnap.InvalidError", err, err)
	}
	if ie.Reason != reason {
		t.Errorf("reason = %s, want %s (message %q)", ie.Reason, reason, ie.Message)
	}
	if msg != "" && ie.Message != msg {
		t.Errorf("message = %q, want %q", ie.Message, msg)
	}
	if !errors.Is(err, facesnap.ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false")
	}
}

func TestDecode_OK(t *testing.T) {
	t.Parallel()
	src := noisy(120, 90, 1)
	tiny := encode(t, FormatPNG, noisy(8, 8, 2)) // well under 1 KB

	// A GIF whose first frame covers only part of its logical screen.
	var partial bytes.Buffer
	frame := paletted(noisy(60, 40, 3).SubImage(image.Rect(0, 0, 60, 40)))
	frame.Rect = image.Rect(10, 20, 70, 60)
	if err := gif.EncodeAll(&partial, &gif.GIF{
		Image:  []*image.Paletted{frame},
		Delay:  []int{0},
		Config: image.Config{ColorModel: frame.Palette, Width: 100, Height: 80},
	}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		data   []byte
		format Format
		w, h   int
	}{
		{"JPEG", encode(t, FormatJPEG, src), FormatJPEG, 120, 90},
		{"PNG", encode(t, FormatPNG, src), FormatPNG, 120, 90},
		{"GIF", encode(t, FormatGIF, src), FormatGIF, 120, 90},
		{"GIFPartialFirstFrame", partial.Bytes(), FormatGIF, 100, 80},
		{"BMP24", encode(t, FormatBMP, src), FormatBMP, 120, 90},
		{"BMP8", encode(t, FormatBMP, paletted(src)), FormatBMP, 120, 90},
		{"ExactlyMinSize", pad(tiny, MinImageBytes), FormatPNG, 8, 8},
		{"ExactlyMaxSize", pad(tiny, MaxImageBytes), FormatPNG, 8, 8},
		{"JPEGTrailingBytes", append(encode(t, FormatJPEG, src), "trailer"...), FormatJPEG, 120, 90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			img, err := Decode(tt.data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if img.Format != tt.format || img.Width != tt.w || img.Height != tt.h {
				t.Fatalf("got %s %dx%d, want %s %dx%d", img.Format, img.Width, img.Height, tt.format, tt.w, tt.h)
			}
			px, err := img.Pixels()
			if err != nil {
				t.Fatalf("Pixels: %v", err)
			}
			if b := px.Bounds(); b != image.Rect(0, 0, tt.w, tt.h) {
				t.Fatalf("pixel bounds = %v, want %dx%d from the origin", b, tt.w, tt.h)
			}
		})
	}
}

func TestDecode_PixelsMatch(t *testing.T) {
	t.Parallel()
	src := noisy(64, 48, 4)
	for _, f := range []Format{FormatPNG, FormatBMP} { // the lossless ones
		img, err := Decode(encode(t, f, src))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		px, err := img.Pixels()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range []image.Point{{0, 0}, {63, 0}, {0, 47}, {31, 17}, {63, 47}} {
			if got, want := color.RGBAModel.Convert(px.At(p.X, p.Y)), src.At(p.X, p.Y); got != want {
				t.Errorf("%s at %v = %v, want %v", f, p, got, want)
			}
		}
	}
}

func TestDecode_PixelsOnce(t *testing.T) {
	t.Parallel()
	img, err := Decode(encode(t, FormatJPEG, noisy(80, 60, 5)))
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent first calls must decode once and agree (checked by -race
	// and by identity).
	var wg sync.WaitGroup
	got := make([]image.Image, 8)
	for i := range got {
		wg.Go(func() {
			px, err := img.Pixels()
			if err != nil {
				t.Error(err)
			}
			got[i] = px
		})
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("Pixels returned different images")
		}
	}
}

func TestDecode_Invalid(t *testing.T) {
	t.Parallel()
	src := noisy(120, 90, 6)
	jpg := encode(t, FormatJPEG, src)
	pngb := encode(t, FormatPNG, src)
	gifb := encode(t, FormatGIF, src)
	bmpb := encode(t, FormatBMP, src)
	tiny := encode(t, FormatPNG, noisy(8, 8, 7))

	flipped := bytes.Clone(pngb)
	flipped[len(flipped)/2] ^= 0x40 // inside IDAT: the chunk CRC no longer matches

	noEOI := bytes.Clone(jpg[:len(jpg)-2])

	webp := pad([]byte("RIFF\x00\x10\x00\x00WEBPVP8 "), 2048)
	tiff := pad([]byte("II*\x00\x08\x00\x00\x00"), 2048)
	text := bytes.Repeat([]byte("not an image "), 100)
	jpegHeaderOnly := pad([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), 2048)

	const (
		small  = "Image size is too small."
		big    = "Image size is too big."
		decode = "Decoding error, image format unsupported."
	)
	tests := []struct {
		name   string
		data   []byte
		reason facesnap.Reason
		msg    string
	}{
		{"Empty", nil, facesnap.ReasonInvalidImageSize, small},
		{"OneByteTooSmall", pad(tiny, MinImageBytes-1), facesnap.ReasonInvalidImageSize, small},
		{"OneByteTooBig", pad(tiny, MaxImageBytes+1), facesnap.ReasonInvalidImageSize, big},
		{"WebP", webp, facesnap.ReasonInvalidImage, decode},
		{"TIFF", tiff, facesnap.ReasonInvalidImage, decode},
		{"Text", text, facesnap.ReasonInvalidImage, decode},
		{"JPEGHeaderOnly", jpegHeaderOnly, facesnap.ReasonInvalidImage, decode},
		{"JPEGTruncated", jpg[:len(jpg)/2], facesnap.ReasonInvalidImage, decode},
		{"JPEGNoEOI", noEOI, facesnap.ReasonInvalidImage, decode},
		{"PNGTruncated", pngb[:len(pngb)-20], facesnap.ReasonInvalidImage, decode},
		{"PNGBitFlip", flipped, facesnap.ReasonInvalidImage, decode},
		{"GIFTruncated", gifb[:len(gifb)/2], facesnap.ReasonInvalidImage, decode},
		{"BMPTruncated", bmpb[:len(bmpb)/2], facesnap.ReasonInvalidImage, decode},
		{"PNGZeroWidth", pngWithSize(pngb, 0, 90), facesnap.ReasonInvalidImage, decode},
		// 8193×8192 is just over 64 megapixels: refused from the header,
		// before anything is allocated for pixels.
		{"PNGOverPixelCap", pngWithSize(pngb, 8193, 8192), facesnap.ReasonInvalidImage, decode},
		{"PNGBomb", pngWithSize(pngb, 1<<30, 1<<30), facesnap.ReasonInvalidImage, decode},
		// 1 KB claiming 8000×8000 pixels: its pixel array is missing.
		{"BMPShortPixelArray", bmpWithSize(bmpb, 8000, 8000), facesnap.ReasonInvalidImage, decode},
		{"GIFNoFrame", pad(append(bytes.Clone(gifb[:13+768]), 0x3b), 2048), facesnap.ReasonInvalidImage, decode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			img, err := Decode(tt.data)
			if err == nil {
				t.Fatalf("Decode = %s %dx%d, want an error", img.Format, img.Width, img.Height)
			}
			wantInvalid(t, err, tt.reason, tt.msg)
		})
	}
}

// The pixel cap is on the header: an image at the cap passes Decode
// without its pixels being decoded (they do not match, so Pixels fails).
func TestDecode_AtPixelCapIsLazy(t *testing.T) {
	t.Parallel()
	data := pngWithSize(encode(t, FormatPNG, noisy(120, 90, 8)), 8192, 8192)
	img, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if img.Width*img.Height != MaxPixels {
		t.Fatalf("got %dx%d", img.Width, img.Height)
	}
}

func TestDecode_CorruptPixelsFailLater(t *testing.T) {
	t.Parallel()
	// A PNG declaring more rows than its data holds has intact chunks, so
	// Decode accepts it; decoding the pixels then fails as InvalidImage.
	data := pngWithSize(encode(t, FormatPNG, noisy(120, 90, 9)), 120, 400)
	img, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	_, err = img.Pixels()
	wantInvalid(t, err, facesnap.ReasonInvalidImage, "Decoding error, image format unsupported.")
}

func FuzzDecode(f *testing.F) {
	// Seeds just over the 1 KB minimum, so mutations reach the format
	// checks instead of stopping at the size check.
	src := noisy(24, 16, 10)
	for _, fm := range []Format{FormatJPEG, FormatPNG, FormatGIF, FormatBMP} {
		data := encode(f, fm, src)
		if len(data) < MinImageBytes {
			data = pad(data, MinImageBytes) // padding follows the image: still valid
		}
		if _, err := Decode(data); err != nil {
			f.Fatalf("seed %s: %v", fm, err)
		}
		f.Add(data)
	}
	f.Add(pad([]byte("\xff\xd8\xff\xda\x00\x02\xff\xd9"), 1024))
	f.Add(pad([]byte("\x89PNG\r\n\x1a\n"), 1024))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data)
		if err != nil {
			var ie *facesnap.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is %T, want *facesnap.InvalidError", err, err)
			}
			// The cheap checks must be no stricter than the real decoders.
			if stdlibAccepts(data) {
				t.Fatalf("Decode refused (%v) an image the standard decoder accepts", err)
			}
			return
		}
		if img.Width <= 0 || img.Height <= 0 || img.Width*img.Height > MaxPixels {
			t.Fatalf("accepted %dx%d", img.Width, img.Height)
		}
		// Keep the fuzzer fast: decoding a large declared size is slow.
		if img.Width*img.Height <= fuzzMaxPixels {
			if _, err := img.Pixels(); err != nil {
				var ie *facesnap.InvalidError
				if !errors.As(err, &ie) {
					t.Fatalf("Pixels error %v is %T", err, err)
				}
			}
		}
	})
}

// fuzzMaxPixels bounds the pictures the fuzz target decodes.
const fuzzMaxPixels = 256 * 256

// stdlibAccepts reports whether data is within the size limits and the
// standard decoder for its format decodes a small enough picture from it.
func stdlibAccepts(data []byte) bool {
	if len(data) < MinImageBytes || len(data) > MaxImageBytes {
		return false
	}
	f, ok := sniff(data)
	if !ok {
		return false
	}
	cfg, err := decodeConfig(f, data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > fuzzMaxPixels/cfg.Height {
		return false
	}
	_, err = decodePixels(f, data)
	return err == nil
}

// A ~50 KB JPEG, the size of a typical enrolment photo. Decode validates
// it (header, dimensions, segment walk); BenchmarkDecodePixels adds the
// full decode the face engine will do.
func BenchmarkDecode(b *testing.B) {
	data := benchJPEG(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePixels(b *testing.B) {
	data := benchJPEG(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		img, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := img.Pixels(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchJPEG(b *testing.B) []byte {
	data := encode(b, FormatJPEG, noisy(480, 360, 11))
	b.Logf("JPEG 480x360, %d bytes", len(data))
	return data
}
