package recognition

import "math"

// Confidence maps the euclidean distance between two descriptors to the
// API's confidence in [0, 1]: a logistic curve that is 0.5 at
// MatchDistance, so "confidence ≥ 0.5" (verify's isIdentical, the default
// thresholds) means "distance ≤ MatchDistance". The two constants were
// chosen by measurement on labelled photos of real people
// (TestCalibration, BENCHMARKS.md "Recognition accuracy").
func Confidence(d float32) float64 {
	return 1 / (1 + math.Exp((float64(d)-MatchDistance)/confidenceScale))
}

// distanceFor is Confidence's inverse: the largest distance whose
// confidence is at least c.
func distanceFor(c float64) float32 {
	switch {
	case c <= 0:
		return float32(math.Inf(1))
	case c >= 1:
		return 0
	}
	return float32(MatchDistance + confidenceScale*math.Log(1/c-1))
}

const (
	// MatchDistance is the distance at which two faces are as likely the
	// same person as not (confidence 0.5).
	MatchDistance = 0.55
	// confidenceScale sets how fast confidence falls around it.
	confidenceScale = 0.05

	// DefaultIdentifyThreshold is identify's confidenceThreshold when the
	// request gives none, and the matchPerson cut of find-similar.
	DefaultIdentifyThreshold = 0.5
)
