package faceimage

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"facesnap"
)

// Face size limits for adding a face, as the service documents them.
const (
	MinFaceSize = 36
	MaxFaceSize = 4096
)

// ParseRect parses the targetFace query value "left,top,width,height".
// Pass the decoded query value; commas that arrive still percent-encoded
// ("%2C", from clients that encode twice) are accepted too. Each field is
// a decimal integer that fits the 32 bits the clients read rectangles in;
// width and height are positive. Call it only when targetFace is present.
func ParseRect(s string) (facesnap.Rect, error) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "%2C", ","), "%2c", ",")
	fields := strings.Split(s, ",")
	if len(fields) != 4 {
		return facesnap.Rect{}, errTargetFace()
	}
	var v [4]int
	for i, f := range fields {
		n, ok := parseNonNegative(strings.TrimSpace(f))
		if !ok {
			return facesnap.Rect{}, errTargetFace()
		}
		v[i] = n
	}
	r := facesnap.Rect{Left: v[0], Top: v[1], Width: v[2], Height: v[3]}
	if r.Width == 0 || r.Height == 0 {
		return facesnap.Rect{}, errTargetFace()
	}
	return r, nil
}

// parseNonNegative accepts plain digits only: strconv.Atoi would also take
// a sign.
func parseNonNegative(s string) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return int(n), true
}

// CheckFace checks that r lies inside img and that its size is one the
// service accepts for adding a face.
func CheckFace(img *Image, r facesnap.Rect) error {
	if r.Left < 0 || r.Top < 0 || r.Width <= 0 || r.Height <= 0 {
		return errTargetFace()
	}
	// Compare without adding, so huge values cannot overflow.
	if r.Left >= img.Width || r.Top >= img.Height ||
		r.Width > img.Width-r.Left || r.Height > img.Height-r.Top {
		return &facesnap.InvalidError{Reason: facesnap.ReasonBadArgument, Message: "Argument targetFace out of range."}
	}
	if r.Width < MinFaceSize || r.Height < MinFaceSize {
		return &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImageSize, Message: fmt.Sprintf(
			"Face size is too small: %dx%d. The valid face size is from %dx%d to %dx%d pixels.",
			r.Width, r.Height, MinFaceSize, MinFaceSize, MaxFaceSize, MaxFaceSize)}
	}
	if r.Width > MaxFaceSize || r.Height > MaxFaceSize {
		return &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImageSize, Message: fmt.Sprintf(
			"Face size is too big: %dx%d. The valid face size is from %dx%d to %dx%d pixels.",
			r.Width, r.Height, MinFaceSize, MinFaceSize, MaxFaceSize, MaxFaceSize)}
	}
	return nil
}

func errTargetFace() error {
	return &facesnap.InvalidError{Reason: facesnap.ReasonBadArgument, Message: "Invalid argument targetFace."}
}
