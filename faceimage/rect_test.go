package faceimage

import (
	"testing"

	"facesnap"
)

func TestParseRect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want facesnap.Rect
		ok   bool
	}{
		{"10,10,100,100", facesnap.Rect{Left: 10, Top: 10, Width: 100, Height: 100}, true},
		{"0,0,36,36", facesnap.Rect{Width: 36, Height: 36}, true},
		{"10%2C20%2C30%2C40", facesnap.Rect{Left: 10, Top: 20, Width: 30, Height: 40}, true},
		{"10%2c20,30%2C40", facesnap.Rect{Left: 10, Top: 20, Width: 30, Height: 40}, true},
		{" 1, 2 ,3 ,4 ", facesnap.Rect{Left: 1, Top: 2, Width: 3, Height: 4}, true},
		{"2147483647,0,1,1", facesnap.Rect{Left: 2147483647, Width: 1, Height: 1}, true},
		{"", facesnap.Rect{}, false},
		{"10,10,100", facesnap.Rect{}, false},
		{"10,10,100,100,1", facesnap.Rect{}, false},
		{"10,10,100,", facesnap.Rect{}, false},
		{"-1,10,100,100", facesnap.Rect{}, false},
		{"+1,10,100,100", facesnap.Rect{}, false},
		{"1.5,10,100,100", facesnap.Rect{}, false},
		{"0x10,10,100,100", facesnap.Rect{}, false},
		{"a,b,c,d", facesnap.Rect{}, false},
		{"10,10,0,100", facesnap.Rect{}, false},
		{"10,10,100,0", facesnap.Rect{}, false},
		{"2147483648,0,1,1", facesnap.Rect{}, false},
		{"99999999999999999999,0,1,1", facesnap.Rect{}, false},
		{"10;10;100;100", facesnap.Rect{}, false},
		{"１,2,3,4", facesnap.Rect{}, false}, // fullwidth digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRect(tt.in)
			if !tt.ok {
				wantInvalid(t, err, facesnap.ReasonBadArgument, "Invalid argument targetFace.")
				return
			}
			if err != nil {
				t.Fatalf("ParseRect: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCheckFace(t *testing.T) {
	t.Parallel()
	img := &Image{Format: FormatJPEG, Width: 640, Height: 480}
	huge := &Image{Format: FormatPNG, Width: 8000, Height: 8000}
	const outOfRange = "Argument targetFace out of range."
	tests := []struct {
		name   string
		img    *Image
		r      facesnap.Rect
		reason facesnap.Reason // empty: no error
		msg    string
	}{
		{"Inside", img, facesnap.Rect{Left: 10, Top: 10, Width: 100, Height: 100}, "", ""},
		{"WholeImage", img, facesnap.Rect{Width: 640, Height: 480}, "", ""},
		{"TouchesCorner", img, facesnap.Rect{Left: 540, Top: 380, Width: 100, Height: 100}, "", ""},
		{"MinSize", img, facesnap.Rect{Width: 36, Height: 36}, "", ""},
		{"MaxSize", huge, facesnap.Rect{Width: 4096, Height: 4096}, "", ""},
		{"PastRight", img, facesnap.Rect{Left: 541, Top: 0, Width: 100, Height: 100}, facesnap.ReasonBadArgument, outOfRange},
		{"PastBottom", img, facesnap.Rect{Left: 0, Top: 381, Width: 100, Height: 100}, facesnap.ReasonBadArgument, outOfRange},
		{"StartsOutside", img, facesnap.Rect{Left: 640, Top: 0, Width: 36, Height: 36}, facesnap.ReasonBadArgument, outOfRange},
		{"HugeNoOverflow", img, facesnap.Rect{Left: 1 << 62, Top: 0, Width: 1 << 62, Height: 36}, facesnap.ReasonBadArgument, outOfRange},
		{"Negative", img, facesnap.Rect{Left: -1, Top: 0, Width: 100, Height: 100}, facesnap.ReasonBadArgument, "Invalid argument targetFace."},
		{"ZeroWidth", img, facesnap.Rect{Width: 0, Height: 100}, facesnap.ReasonBadArgument, "Invalid argument targetFace."},
		{"TooNarrow", img, facesnap.Rect{Width: 35, Height: 100}, facesnap.ReasonInvalidImageSize, ""},
		{"TooShort", img, facesnap.Rect{Width: 100, Height: 35}, facesnap.ReasonInvalidImageSize, ""},
		{"TooWide", huge, facesnap.Rect{Width: 4097, Height: 100}, facesnap.ReasonInvalidImageSize, ""},
		{"TooTall", huge, facesnap.Rect{Width: 100, Height: 4097}, facesnap.ReasonInvalidImageSize, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckFace(tt.img, tt.r)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckFace: %v", err)
				}
				return
			}
			wantInvalid(t, err, tt.reason, tt.msg)
		})
	}
}
