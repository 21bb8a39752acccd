package faceattr

import (
	"math"

	"facesnap/engine"
)

// Pose is a head's orientation in degrees: Yaw is positive when the face
// turns toward the picture's right, Pitch when it looks up, Roll when it
// tilts clockwise as the picture shows it.
type Pose struct{ Pitch, Roll, Yaw float64 }

// poseModel places six of the 68 landmarks on an average head, in
// millimetre-like units with the nose tip at the origin: x toward the
// picture's right for a frontal face, y up, z toward the camera. The
// proportions are the usual anthropometric ones (eyes' outer corners 45 cm
// apart at scale, mouth corners 30, chin 33 below the nose tip).
var poseModel = [...]struct {
	landmark int
	x, y, z  float64
}{
	{30, 0, 0, 0},          // nose tip
	{8, 0, -330, -65},      // chin
	{36, -225, 170, -135},  // outer corner of the eye on the picture's left
	{45, 225, 170, -135},   // outer corner of the eye on the picture's right
	{48, -150, -150, -125}, // mouth corner on the left
	{54, 150, -150, -125},  // mouth corner on the right
}

// EstimatePose fits the average head to the landmarks under a scaled
// orthographic camera (a face is small against its distance to the lens)
// by least squares, and reads the angles off the fitted rotation. The
// landmark network is trained mostly on faces within about 45° of frontal,
// so beyond that the angles grow less than the head turns.
func EstimatePose(lm [68]engine.Point) Pose {
	const n = float64(len(poseModel))
	// Centre both point sets: the translation drops out.
	var mx, my, mz, mu, mv float64
	for _, p := range poseModel {
		mx, my, mz = mx+p.x, my+p.y, mz+p.z
		mu += lm[p.landmark].X
		mv -= lm[p.landmark].Y // the picture's y grows down
	}
	mx, my, mz, mu, mv = mx/n, my/n, mz/n, mu/n, mv/n
	// Normal equations of u = a·X and v = b·X.
	var xtx [3][3]float64
	var xtu, xtv [3]float64
	for _, p := range poseModel {
		x := [3]float64{p.x - mx, p.y - my, p.z - mz}
		u := lm[p.landmark].X - mu
		v := -lm[p.landmark].Y - mv
		for i := range 3 {
			for j := range 3 {
				xtx[i][j] += x[i] * x[j]
			}
			xtu[i] += x[i] * u
			xtv[i] += x[i] * v
		}
	}
	inv, ok := invert3(xtx)
	if !ok {
		return Pose{}
	}
	a, b := mul3(inv, xtu), mul3(inv, xtv)
	if norm(a) == 0 || norm(b) == 0 {
		return Pose{} // every landmark on one point
	}
	// The rows of a rotation, scaled: make them orthonormal.
	r1 := unit(a)
	r2 := unit(sub(b, scale(r1, dot(r1, b))))
	r3 := cross(r1, r2)
	// R = Rz(roll)·Ry(yaw)·Rx(pitch), with R's rows r1, r2, r3.
	deg := 180 / math.Pi
	yaw := math.Asin(max(-1, min(1, -r3[0]))) * deg
	pitch := math.Atan2(r3[1], r3[2]) * deg
	roll := math.Atan2(r2[0], r1[0]) * deg
	// Ry's positive turn takes the nose to the right, as documented; Rx's
	// takes it down and Rz's is counter-clockwise in a y-up frame: flip
	// those two to the documented senses.
	return Pose{Pitch: round1(-pitch + pitchBias), Roll: round1(-roll), Yaw: round1(yaw)}
}

// pitchBias corrects the average head's proportions to the landmark
// network's: uncorrected, the median pitch over the 40 faces of the demo and
// labelled photos, nearly all looking at the camera, is -8°.
const pitchBias = 8

// round1 keeps one decimal, the precision a landmark fit can claim.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

type vec3 = [3]float64

func dot(a, b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func norm(a vec3) float64   { return math.Sqrt(dot(a, a)) }
func scale(a vec3, s float64) vec3 {
	return vec3{a[0] * s, a[1] * s, a[2] * s}
}
func sub(a, b vec3) vec3 { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func unit(a vec3) vec3 {
	if n := norm(a); n > 0 {
		return scale(a, 1/n)
	}
	return a
}
func cross(a, b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func mul3(m [3][3]float64, v vec3) vec3 {
	return vec3{dot(m[0], v), dot(m[1], v), dot(m[2], v)}
}

// invert3 inverts a 3×3 matrix by its adjugate.
func invert3(m [3][3]float64) ([3][3]float64, bool) {
	c := [3][3]float64{
		{m[1][1]*m[2][2] - m[1][2]*m[2][1], m[0][2]*m[2][1] - m[0][1]*m[2][2], m[0][1]*m[1][2] - m[0][2]*m[1][1]},
		{m[1][2]*m[2][0] - m[1][0]*m[2][2], m[0][0]*m[2][2] - m[0][2]*m[2][0], m[0][2]*m[1][0] - m[0][0]*m[1][2]},
		{m[1][0]*m[2][1] - m[1][1]*m[2][0], m[0][1]*m[2][0] - m[0][0]*m[2][1], m[0][0]*m[1][1] - m[0][1]*m[1][0]},
	}
	det := m[0][0]*c[0][0] + m[0][1]*c[1][0] + m[0][2]*c[2][0]
	if math.Abs(det) < 1e-12 {
		return c, false
	}
	for i := range 3 {
		for j := range 3 {
			c[i][j] /= det
		}
	}
	return c, true
}
