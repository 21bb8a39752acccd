// Package faceimage checks the images callers send to add or detect faces:
// the byte size, the format and dimensions, the targetFace rectangle, and
// fetching an image from a URL without letting the URL reach the server's
// own network. Face detection itself belongs to the face engine.
//
// Every error a caller can cause is a *facesnap.InvalidError worded as the
// service words it, so the HTTP layer renders a 400 with the right code.
package faceimage

import (
	"bytes"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sync"

	"golang.org/x/image/bmp"

	"facesnap"
)

// Limits of an image, as the service documents them.
const (
	MinImageBytes = 1 << 10 // "larger than or equal to 1 KB"
	MaxImageBytes = 6 << 20 // "no larger than 6 MB"

	// MaxPixels bounds width*height before any pixel is allocated: a
	// 6 MB PNG of one colour can declare gigapixels (a decompression bomb).
	// 64 MP decode to at most 256 MB of RGBA.
	MaxPixels = 64 << 20
)

// Format names a supported image format, as image.DecodeConfig names it.
type Format string

const (
	FormatJPEG Format = "jpeg"
	FormatPNG  Format = "png"
	FormatGIF  Format = "gif"
	FormatBMP  Format = "bmp"
)

// Image is a validated image: a supported format, sane dimensions and an
// intact structure. Its pixels are decoded on first use (see Pixels).
type Image struct {
	Format Format
	Width  int
	Height int

	data   []byte // kept for Pixels; Decode's caller must not modify it
	once   sync.Once
	pixels image.Image
	err    error
}

// Decode validates data as an image to add or detect faces in.
//
// It reads the header, refuses absurd dimensions before allocating
// anything, and checks the structure: JPEG segments up to the end of the
// image, PNG chunk checksums, the GIF blocks of the first frame, the BMP
// pixel array's length. Pixels are decoded lazily by Pixels: a full JPEG
// decode costs milliseconds per photo while these checks cost
// microseconds, nothing reads pixels until a face engine does, and a small
// file declaring a huge picture allocates nothing here.
//
// Decode keeps a reference to data; the caller must not modify it while
// the Image is in use.
func Decode(data []byte) (*Image, error) {
	switch {
	case len(data) < MinImageBytes:
		return nil, errTooSmall()
	case len(data) > MaxImageBytes:
		return nil, ErrTooBig
	}

	format, ok := sniff(data)
	if !ok {
		return nil, errDecode()
	}
	cfg, err := decodeConfig(format, data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPixels/cfg.Height {
		return nil, errDecode()
	}

	var check error
	switch format {
	case FormatJPEG:
		check = checkJPEG(data)
	case FormatPNG:
		check = checkPNG(data)
	case FormatGIF:
		check = checkGIF(data)
	case FormatBMP:
		check = checkBMP(data, cfg.Width, cfg.Height)
	}
	if check != nil {
		return nil, errDecode()
	}
	return &Image{Format: format, Width: cfg.Width, Height: cfg.Height, data: data}, nil
}

// Pixels decodes the image once and returns the same result to every
// caller. A corrupt image that passed Decode's checks fails here with an
// InvalidImage error.
func (img *Image) Pixels() (image.Image, error) {
	img.once.Do(func() {
		p, err := decodePixels(img.Format, img.data)
		switch {
		case err != nil:
			img.err = errDecode()
		case p.Bounds() != image.Rect(0, 0, img.Width, img.Height):
			// A GIF's first frame may be smaller than its logical screen;
			// the engine wants the whole picture the header announced.
			full := image.NewRGBA(image.Rect(0, 0, img.Width, img.Height))
			draw.Draw(full, p.Bounds(), p, p.Bounds().Min, draw.Src)
			img.pixels = full
		default:
			img.pixels = p
		}
		img.data = nil // the pixels replace the encoded bytes
	})
	return img.pixels, img.err
}

func errTooSmall() error {
	return &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImageSize, Message: "Image size is too small."}
}

// ErrTooBig refuses an image over MaxImageBytes, with the service's
// message.
var ErrTooBig = &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImageSize, Message: "Image size is too big."}

func errDecode() error {
	return &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImage, Message: "Decoding error, image format unsupported."}
}

// sniff picks the format from the magic bytes instead of the image
// package's registry, which any imported package can extend with formats
// the service does not accept.
func sniff(data []byte) (Format, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return FormatJPEG, true
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, true
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatGIF, true
	case bytes.HasPrefix(data, []byte("BM")):
		return FormatBMP, true
	}
	return "", false
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case FormatJPEG:
		return jpeg.DecodeConfig(r)
	case FormatPNG:
		return png.DecodeConfig(r)
	case FormatGIF:
		return gif.DecodeConfig(r)
	default:
		return bmp.DecodeConfig(r)
	}
}

func decodePixels(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch f {
	case FormatJPEG:
		return jpeg.Decode(r)
	case FormatPNG:
		return png.Decode(r)
	case FormatGIF:
		return gif.Decode(r) // the first frame only
	default:
		return bmp.Decode(r)
	}
}
