package faceattr

import "math"

// Measures are what Quality rates a face by.
type Measures struct {
	Side     int     // the face box's shorter side, in pixels
	Score    float32 // the detector's confidence
	Pose     Pose
	Blur     float64 // blur's value
	Exposure float64 // exposure's value
}

// The bounds of qualityForRecognition; the README explains each.
const (
	// A face below lowSide pixels is enlarged more than twice to the 150
	// px the descriptor network reads; highSide is about that size.
	lowSide, highSide = 60, 120
	// Beyond lowYaw or lowPitch the landmarks, and so the alignment
	// the descriptor needs, are unreliable; within highAngle the face is
	// near frontal. The alignment does not turn the face upright, so a
	// tilted head is read tilted: beyond lowRoll that is too far.
	lowYaw, lowPitch, highAngle = 40, 30, 20
	lowRoll, highRoll           = 40, 20
	// Beyond these the face is too dark or too bright to read well.
	lowDark, lowBright = 0.2, 0.9
	// The detector keeps faces from a confidence of 0.5; a face it doubts
	// (below highScore) is not high.
	highScore = 0.9
)

// Quality rates a face "Low", "Medium" or "High" for recognition. It is
// low when any measure is out of bounds for a reliable descriptor (too
// small, too turned, too blurred, too dark or bright, doubtful), high when
// every measure is good, and medium otherwise.
func Quality(m Measures) string {
	yaw, pitch, roll := math.Abs(m.Pose.Yaw), math.Abs(m.Pose.Pitch), math.Abs(m.Pose.Roll)
	switch {
	case m.Side < lowSide,
		yaw > lowYaw, pitch > lowPitch, roll > lowRoll,
		m.Blur >= blurHigh,
		m.Exposure < lowDark, m.Exposure > lowBright:
		return "Low"
	case m.Side >= highSide && m.Score >= highScore &&
		yaw <= highAngle && pitch <= highAngle && roll <= highRoll &&
		m.Blur < blurLow &&
		m.Exposure >= exposureUnder && m.Exposure <= exposureOver:
		return "High"
	}
	return "Medium"
}
