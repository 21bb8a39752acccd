package engine

// LandmarkNames are the 27 faceLandmarks of the Face API, in the order the
// service lists them. "Left" is the side on the image's left.
var LandmarkNames = [27]string{
	"pupilLeft", "pupilRight", "noseTip", "mouthLeft", "mouthRight",
	"eyebrowLeftOuter", "eyebrowLeftInner",
	"eyeLeftOuter", "eyeLeftTop", "eyeLeftBottom", "eyeLeftInner",
	"eyebrowRightInner", "eyebrowRightOuter",
	"eyeRightInner", "eyeRightTop", "eyeRightBottom", "eyeRightOuter",
	"noseRootLeft", "noseRootRight",
	"noseLeftAlarTop", "noseRightAlarTop", "noseLeftAlarOutTip", "noseRightAlarOutTip",
	"upperLipTop", "upperLipBottom", "underLipTop", "underLipBottom",
}

// Landmarks27 derives the API's 27 named points (in LandmarkNames order)
// from the 68-point scheme. Points the 68 have are taken as they are;
// pupils, eyelid tops and bottoms are means of the eye contour; the nose
// root and alar points, which the 68 lack, are placed between neighbouring
// points (an approximation, not a measurement).
func (d Detection) Landmarks27() [27]Point {
	p := d.Landmarks
	mean := func(idx ...int) Point {
		var s Point
		for _, i := range idx {
			s.X += p[i].X
			s.Y += p[i].Y
		}
		n := float64(len(idx))
		return Point{s.X / n, s.Y / n}
	}
	// lerp goes from point a towards point b by t.
	lerp := func(a, b int, t float64) Point {
		return Point{p[a].X + (p[b].X-p[a].X)*t, p[a].Y + (p[b].Y-p[a].Y)*t}
	}
	// In the 68-point scheme 36-41 is the eye on the image's left (the
	// subject's right), 42-47 the other; 17-21 and 22-26 the brows.
	return [27]Point{
		mean(36, 37, 38, 39, 40, 41), // pupilLeft
		mean(42, 43, 44, 45, 46, 47), // pupilRight
		p[30],                        // noseTip
		p[48],                        // mouthLeft
		p[54],                        // mouthRight
		p[17],                        // eyebrowLeftOuter
		p[21],                        // eyebrowLeftInner
		p[36],                        // eyeLeftOuter
		mean(37, 38),                 // eyeLeftTop
		mean(40, 41),                 // eyeLeftBottom
		p[39],                        // eyeLeftInner
		p[22],                        // eyebrowRightInner
		p[26],                        // eyebrowRightOuter
		p[42],                        // eyeRightInner
		mean(43, 44),                 // eyeRightTop
		mean(46, 47),                 // eyeRightBottom
		p[45],                        // eyeRightOuter
		lerp(39, 28, 0.3),            // noseRootLeft
		lerp(42, 28, 0.3),            // noseRootRight
		lerp(31, 29, 1.0/3),          // noseLeftAlarTop
		lerp(35, 29, 1.0/3),          // noseRightAlarTop
		p[31],                        // noseLeftAlarOutTip
		p[35],                        // noseRightAlarOutTip
		p[51],                        // upperLipTop
		p[62],                        // upperLipBottom
		p[66],                        // underLipTop
		p[57],                        // underLipBottom
	}
}
