package client

// RecognitionModel names the feature extractor a collection is bound to.
type RecognitionModel string

const (
	Recognition01 RecognitionModel = "recognition_01" // the service's default
	Recognition02 RecognitionModel = "recognition_02"
	Recognition03 RecognitionModel = "recognition_03"
	Recognition04 RecognitionModel = "recognition_04"
)

// NameAndUserDataContract is the body that creates a person and that
// updates a collection or person; empty fields are left unchanged.
type NameAndUserDataContract struct {
	Name     string `json:"name,omitempty"`
	UserData string `json:"userData,omitempty"`
}

// MetaDataContract is the body that creates a collection. An empty
// RecognitionModel leaves the choice to the server (recognition_01).
type MetaDataContract struct {
	Name             string           `json:"name,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	UserData         string           `json:"userData,omitempty"`
}
