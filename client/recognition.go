package client

import (
	"context"
	"net/http"
)

// IdentifyRequest asks who the detected faces are, in exactly one of a
// trained PersonGroup or LargePersonGroup.
type IdentifyRequest struct {
	FaceIDs            []string `json:"faceIds"` // 1 to 10
	PersonGroupID      string   `json:"personGroupId,omitempty"`
	LargePersonGroupID string   `json:"largePersonGroupId,omitempty"`
	// MaxNumOfCandidatesReturned is 1 to 5; 0 leaves the default, 1.
	MaxNumOfCandidatesReturned int `json:"maxNumOfCandidatesReturned,omitempty"`
	// ConfidenceThreshold (0 to 1) is a pointer because 0 is a threshold
	// of its own; nil leaves the server's default.
	ConfidenceThreshold *float64 `json:"confidenceThreshold,omitempty"`
}

// IdentifyResult is the answer for one face, in the order asked.
type IdentifyResult struct {
	FaceID string `json:"faceId"`
	// Candidates, by confidence, are empty when nobody matches.
	Candidates []IdentifyCandidate `json:"candidates"`
}

// IdentifyCandidate is a person a face may be.
type IdentifyCandidate struct {
	PersonID   string  `json:"personId"`
	Confidence float64 `json:"confidence"`
}

// VerifyFaceToFaceRequest asks whether two detected faces are of one
// person.
type VerifyFaceToFaceRequest struct {
	FaceID1 string `json:"faceId1"`
	FaceID2 string `json:"faceId2"`
}

// VerifyFaceToPersonRequest asks whether a detected face is of a person
// of exactly one of a PersonGroup or LargePersonGroup.
type VerifyFaceToPersonRequest struct {
	FaceID             string `json:"faceId"`
	PersonGroupID      string `json:"personGroupId,omitempty"`
	LargePersonGroupID string `json:"largePersonGroupId,omitempty"`
	PersonID           string `json:"personId"`
}

// VerifyResult is a verification; IsIdentical is the server's call at its
// threshold.
type VerifyResult struct {
	IsIdentical bool    `json:"isIdentical"`
	Confidence  float64 `json:"confidence"`
}

// FindSimilarMatchMode is how find-similar ranks.
type FindSimilarMatchMode string

const (
	// MatchPerson (the default) returns only faces likely of the same
	// person, possibly none.
	MatchPerson FindSimilarMatchMode = "matchPerson"
	// MatchFace ranks every face, however low its similarity.
	MatchFace FindSimilarMatchMode = "matchFace"
)

// FindSimilarRequest searches, for the faces most like a detected face,
// exactly one of a FaceList, a trained LargeFaceList or detected faceIds.
type FindSimilarRequest struct {
	FaceID          string   `json:"faceId"`
	FaceListID      string   `json:"faceListId,omitempty"`
	LargeFaceListID string   `json:"largeFaceListId,omitempty"`
	FaceIDs         []string `json:"faceIds,omitempty"` // at most 1000
	// MaxNumOfCandidatesReturned is 1 to 1000; 0 leaves the default, 20.
	MaxNumOfCandidatesReturned int                  `json:"maxNumOfCandidatesReturned,omitempty"`
	Mode                       FindSimilarMatchMode `json:"mode,omitempty"`
}

// SimilarFace is a match: a persistedFaceId when a face list was
// searched, a faceId when faceIds were.
type SimilarFace struct {
	FaceID          string  `json:"faceId,omitempty"`
	PersistedFaceID string  `json:"persistedFaceId,omitempty"`
	Confidence      float64 `json:"confidence"`
}

// GroupRequest asks to divide 2 to 1000 detected faces by similarity.
type GroupRequest struct {
	FaceIDs []string `json:"faceIds"`
}

// GroupResult holds the groups, largest first, and the faces like no
// other (absent when there are none).
type GroupResult struct {
	Groups     [][]string `json:"groups"`
	MessyGroup []string   `json:"messyGroup,omitempty"`
}

// Identify finds, for each face, the persons it may be.
func (c *Client) Identify(ctx context.Context, req IdentifyRequest) ([]IdentifyResult, error) {
	return post[[]IdentifyResult](ctx, c, "/identify", req)
}

// VerifyFaceToFace tells whether two faces are of one person.
func (c *Client) VerifyFaceToFace(ctx context.Context, req VerifyFaceToFaceRequest) (VerifyResult, error) {
	return post[VerifyResult](ctx, c, "/verify", req)
}

// VerifyFaceToPerson tells whether a face is of a person.
func (c *Client) VerifyFaceToPerson(ctx context.Context, req VerifyFaceToPersonRequest) (VerifyResult, error) {
	return post[VerifyResult](ctx, c, "/verify", req)
}

// FindSimilar returns the faces most like req.FaceID, best first.
func (c *Client) FindSimilar(ctx context.Context, req FindSimilarRequest) ([]SimilarFace, error) {
	return post[[]SimilarFace](ctx, c, "/findsimilars", req)
}

// Group divides faces into groups of similar faces.
func (c *Client) Group(ctx context.Context, req GroupRequest) (GroupResult, error) {
	return post[GroupResult](ctx, c, "/group", req)
}

// post sends body to path and decodes the 200 answer, as every
// recognition call does.
func post[T any](ctx context.Context, c *Client, path string, body any) (T, error) {
	var out T
	_, err := c.call(ctx, request{method: http.MethodPost, path: path, body: body, want: http.StatusOK}, &out)
	return out, err
}
