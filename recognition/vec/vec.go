// Package vec holds what the descriptor indexes share.
package vec

// Neighbor is one search result: the entry's position in the order it was
// added, and its euclidean distance to the query.
type Neighbor struct {
	ID   int32
	Dist float32
}
