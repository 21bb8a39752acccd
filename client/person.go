package client

// Person is a person of a person group or large person group.
type Person struct {
	Name string `json:"name,omitempty"`
	// PersistedFaceIDs keeps an empty list apart from a missing one, so
	// that a person without faces round-trips as the server sent it.
	PersistedFaceIDs []string `json:"persistedFaceIds,omitzero"`
	PersonID         string   `json:"personId"`
	UserData         string   `json:"userData,omitempty"`
}
