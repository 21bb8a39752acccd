package client

// PersonGroup is a person group.
type PersonGroup struct {
	PersonGroupID    string           `json:"personGroupId"`
	Name             string           `json:"name,omitempty"`
	UserData         string           `json:"userData,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
}

// LargePersonGroup is a large person group.
type LargePersonGroup struct {
	LargePersonGroupID string           `json:"largePersonGroupId"`
	Name               string           `json:"name,omitempty"`
	UserData           string           `json:"userData,omitempty"`
	RecognitionModel   RecognitionModel `json:"recognitionModel,omitempty"`
}

// PersonGroups are the calls on person groups.
type PersonGroups struct {
	Collections[PersonGroup]
	Training
}

// PersonGroups returns the calls on person groups.
func (c *Client) PersonGroups() PersonGroups {
	k := kind{c, "/persongroups"}
	return PersonGroups{Collections[PersonGroup]{k}, Training{k}}
}

// Persons returns the calls on the persons of person group id.
func (g PersonGroups) Persons(id string) Persons { return persons(g.Collections.kind, id) }

// LargePersonGroups are the calls on large person groups.
type LargePersonGroups struct {
	Collections[LargePersonGroup]
	Training
}

// LargePersonGroups returns the calls on large person groups.
func (c *Client) LargePersonGroups() LargePersonGroups {
	k := kind{c, "/largepersongroups"}
	return LargePersonGroups{Collections[LargePersonGroup]{k}, Training{k}}
}

// Persons returns the calls on the persons of large person group id.
func (g LargePersonGroups) Persons(id string) Persons { return persons(g.Collections.kind, id) }
