package recognition

import (
	"cmp"
	"context"
	"slices"

	"facesnap"
)

// MaxGroupFaces is how many faces one group call takes.
const MaxGroupFaces = 1000

// GroupResult is faces grouped by likeness: groups of at least two faces,
// largest first, and the faces like no other (MessyGroup).
type GroupResult struct {
	Groups     [][]string
	MessyGroup []string
}

// Group divides faces into groups of the same person.
//
// It is average-linkage agglomerative clustering cut at MatchDistance: two
// groups join while their faces are, on average, as likely the same person
// as not. Average linkage keeps one chain of look-alikes from joining two
// people, as single linkage (connected components) would. The
// nearest-neighbour chain finds the same merges as the textbook algorithm
// in O(n²) time for n faces.
func (s *Service) Group(ctx context.Context, acct facesnap.Account, faceIDs []string) (GroupResult, error) {
	if err := checkFaceIDs("faceIds", faceIDs, 2, MaxGroupFaces); err != nil {
		return GroupResult{}, err
	}
	faces, err := s.queryFaces(ctx, acct, faceIDs, faceNotFound400)
	if err != nil {
		return GroupResult{}, err
	}
	if err := sameModel("", faces...); err != nil {
		return GroupResult{}, err
	}
	vecs := make([][]float32, len(faces))
	for i, f := range faces {
		vecs[i] = f.Feature
	}
	var res GroupResult
	for _, members := range cluster(vecs, MatchDistance) {
		ids := make([]string, len(members))
		for i, m := range members {
			ids[i] = faceIDs[m]
		}
		if len(ids) == 1 {
			res.MessyGroup = append(res.MessyGroup, ids[0])
		} else {
			res.Groups = append(res.Groups, ids)
		}
	}
	if res.Groups == nil {
		res.Groups = [][]string{}
	}
	if res.MessyGroup == nil {
		res.MessyGroup = []string{}
	}
	return res, nil
}

// cluster groups vectors by average linkage cut at maxDist. Each cluster
// lists its members in input order; clusters come largest first, then by
// their first member.
func cluster(vecs [][]float32, maxDist float32) [][]int {
	n := len(vecs)
	dist := make([]float32, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			d := distance(vecs[i], vecs[j])
			dist[i*n+j], dist[j*n+i] = d, d
		}
	}
	size := make([]int, n)
	parent := make([]int, n) // union-find over the merges kept
	active := make([]bool, n)
	for i := range n {
		size[i], parent[i], active[i] = 1, i, true
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	nearest := func(a, prefer int) (int, float32) {
		best, bestD := -1, float32(0)
		for b := range n {
			if b == a || !active[b] {
				continue
			}
			d := dist[a*n+b]
			if best < 0 || d < bestD || (d == bestD && b == prefer) {
				best, bestD = b, d
			}
		}
		return best, bestD
	}
	var chain []int
	for remaining := n; remaining > 1; {
		if len(chain) == 0 {
			for i := range n {
				if active[i] {
					chain = append(chain, i)
					break
				}
			}
		}
		a := chain[len(chain)-1]
		prev := -1
		if len(chain) > 1 {
			prev = chain[len(chain)-2]
		}
		b, d := nearest(a, prev)
		if b != prev {
			chain = append(chain, b)
			continue
		}
		// a and b are each other's nearest: merge b into a. Heights
		// only grow for average linkage, so a merge past maxDist is
		// never below one that is kept.
		chain = chain[:len(chain)-2]
		if d <= maxDist {
			parent[find(b)] = find(a)
		}
		for k := range n {
			if active[k] && k != a && k != b {
				nd := (float32(size[a])*dist[k*n+a] + float32(size[b])*dist[k*n+b]) / float32(size[a]+size[b])
				dist[k*n+a], dist[a*n+k] = nd, nd
			}
		}
		size[a] += size[b]
		active[b] = false
		remaining--
	}
	byRoot := map[int][]int{}
	var roots []int
	for i := range n {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], i)
	}
	out := make([][]int, len(roots))
	for i, r := range roots {
		out[i] = byRoot[r]
	}
	slices.SortStableFunc(out, func(a, b []int) int { return cmp.Compare(len(b), len(a)) })
	return out
}
