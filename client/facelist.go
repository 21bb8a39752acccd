package client

// FaceList is a face list. PersistedFaces is only filled by Get.
type FaceList struct {
	FaceListID       string           `json:"faceListId"`
	Name             string           `json:"name,omitempty"`
	PersistedFaces   []PersistedFace  `json:"persistedFaces,omitzero"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	UserData         string           `json:"userData,omitempty"`
}

// LargeFaceList is a large face list; list its faces with Faces(id).List.
type LargeFaceList struct {
	LargeFaceListID  string           `json:"largeFaceListId"`
	Name             string           `json:"name,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	UserData         string           `json:"userData,omitempty"`
}
