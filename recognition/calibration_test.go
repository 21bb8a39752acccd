package recognition_test

import (
	"fmt"
	"strings"
	"testing"

	"facesnap/recognition"
)

// TestCalibration measures the confidence mapping on labelled photos of
// real people: every pair of different photos, never a photo with itself.
// It prints the error rates at a range of distances (the table in
// BENCHMARKS.md, "Recognition accuracy") and holds MatchDistance to what
// was measured: no different-person pair accepted, at most a fifth of the
// same-person pairs rejected.
func TestCalibration(t *testing.T) {
	ps, _ := labelledPhotos(t)
	same, different := pairDistances(ps)
	if len(same) < 5 || len(different) < 20 {
		t.Fatalf("%d same-person and %d different-person pairs: too few to calibrate", len(same), len(different))
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d same-person pairs (min %.3f, max %.3f), %d different-person pairs (min %.3f, max %.3f)\n",
		len(same), same[0], same[len(same)-1], len(different), different[0], different[len(different)-1])
	fmt.Fprintf(&table, "| distance | confidence | false rejects | false accepts |\n|---|---|---|---|\n")
	for _, d := range []float64{0.40, 0.45, 0.50, recognition.MatchDistance, 0.60, 0.65} {
		fr, fa := above(same, d), atOrBelow(different, d)
		fmt.Fprintf(&table, "| %.2f | %.2f | %d/%d (%.0f%%) | %d/%d (%.1f%%) |\n", d, recognition.Confidence(float32(d)),
			fr, len(same), 100*float64(fr)/float64(len(same)), fa, len(different), 100*float64(fa)/float64(len(different)))
	}
	t.Log("\n" + table.String())
	if fa := atOrBelow(different, recognition.MatchDistance); fa != 0 {
		t.Errorf("%d different-person pairs within MatchDistance %.2f", fa, recognition.MatchDistance)
	}
	if fr := above(same, recognition.MatchDistance); 5*fr > len(same) {
		t.Errorf("%d of %d same-person pairs beyond MatchDistance %.2f", fr, len(same), recognition.MatchDistance)
	}
}

func above(sorted []float64, d float64) (n int) {
	for _, v := range sorted {
		if v > d {
			n++
		}
	}
	return n
}

func atOrBelow(sorted []float64, d float64) int { return len(sorted) - above(sorted, d) }

// TestCalibration_LeaveOneOut identifies each photo of an enrolled person
// against all the other photos (never itself) at the default threshold:
// the nearest other photo must be of the same person whenever that person
// has another photo, and the never-enrolled person must match nobody.
func TestCalibration_LeaveOneOut(t *testing.T) {
	ps, _ := labelledPhotos(t)
	maxDist := float32(recognition.MatchDistance) // confidence 0.5
	right, asked, rejected, impostors := 0, 0, 0, 0
	for i, q := range ps {
		best, bestD := -1, float32(0)
		for j, g := range ps {
			if j == i || g.person == "unenrolled" {
				continue
			}
			if d := dist(q.feature, g.feature); best < 0 || d < bestD {
				best, bestD = j, d
			}
		}
		if q.person == "unenrolled" {
			impostors++
			if bestD > maxDist {
				rejected++
			}
			continue
		}
		asked++
		if bestD <= maxDist && ps[best].person == q.person {
			right++
		}
	}
	t.Logf("leave-one-out identify at confidence 0.5: %d/%d photos of enrolled persons identified as themselves, %d/%d never-enrolled rejected", right, asked, rejected, impostors)
	if right != asked || rejected != impostors {
		t.Errorf("leave-one-out: %d/%d right, %d/%d impostors rejected", right, asked, rejected, impostors)
	}
}
