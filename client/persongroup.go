package client

// PersonGroup is a person group.
type PersonGroup struct {
	Name             string           `json:"name,omitempty"`
	PersonGroupID    string           `json:"personGroupId"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	UserData         string           `json:"userData,omitempty"`
}

// LargePersonGroup is a large person group.
type LargePersonGroup struct {
	LargePersonGroupID string           `json:"largePersonGroupId"`
	Name               string           `json:"name,omitempty"`
	RecognitionModel   RecognitionModel `json:"recognitionModel,omitempty"`
	UserData           string           `json:"userData,omitempty"`
}
