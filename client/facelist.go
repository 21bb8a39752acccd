package client

// FaceList is a face list. PersistedFaces is only filled by Get.
type FaceList struct {
	FaceListID       string           `json:"faceListId"`
	Name             string           `json:"name,omitempty"`
	UserData         string           `json:"userData,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	PersistedFaces   []PersistedFace  `json:"persistedFaces,omitzero"`
}

// LargeFaceList is a large face list; list its faces with Faces(id).List.
type LargeFaceList struct {
	LargeFaceListID  string           `json:"largeFaceListId"`
	Name             string           `json:"name,omitempty"`
	UserData         string           `json:"userData,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
}

// FaceLists are the calls on face lists, which need no training.
type FaceLists struct{ Collections[FaceList] }

// FaceLists returns the calls on face lists.
func (c *Client) FaceLists() FaceLists {
	return FaceLists{Collections[FaceList]{kind{c, "/facelists"}}}
}

// Faces returns the calls on the faces of face list id.
func (l FaceLists) Faces(id string) FaceListFaces {
	return FaceListFaces{Faces{l.c, l.item(id) + "/persistedfaces"}}
}

// LargeFaceLists are the calls on large face lists.
type LargeFaceLists struct {
	Collections[LargeFaceList]
	Training
}

// LargeFaceLists returns the calls on large face lists.
func (c *Client) LargeFaceLists() LargeFaceLists {
	k := kind{c, "/largefacelists"}
	return LargeFaceLists{Collections[LargeFaceList]{k}, Training{k}}
}

// Faces returns the calls on the faces of large face list id.
func (l LargeFaceLists) Faces(id string) LargeFaceListFaces {
	return LargeFaceListFaces{Faces{l.Collections.c, l.Collections.item(id) + "/persistedfaces"}}
}
