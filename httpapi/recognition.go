package httpapi

import (
	"net/http"

	"facesnap"
	"facesnap/recognition"
)

func (s *Server) registerRecognitionRoutes() {
	s.handle("POST /identify", s.identify)
	s.handle("POST /verify", s.verify)
	s.handle("POST /findsimilars", s.findSimilar)
	s.handle("POST /group", s.group)
}

type identifyRequest struct {
	FaceIDs                    []string `json:"faceIds"`
	PersonGroupID              string   `json:"personGroupId"`
	LargePersonGroupID         string   `json:"largePersonGroupId"`
	MaxNumOfCandidatesReturned *int     `json:"maxNumOfCandidatesReturned"`
	ConfidenceThreshold        *float64 `json:"confidenceThreshold"`
}

type candidateJSON struct {
	PersonID   string  `json:"personId"`
	Confidence float64 `json:"confidence"`
}

type identifyResultJSON struct {
	FaceID     string          `json:"faceId"`
	Candidates []candidateJSON `json:"candidates"`
}

func (s *Server) identify(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req identifyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	results, err := s.cfg.Recognition.Identify(r.Context(), acct, recognition.IdentifyParams{
		FaceIDs:             req.FaceIDs,
		PersonGroupID:       req.PersonGroupID,
		LargePersonGroupID:  req.LargePersonGroupID,
		MaxCandidates:       req.MaxNumOfCandidatesReturned,
		ConfidenceThreshold: req.ConfidenceThreshold,
	})
	if err != nil {
		return err
	}
	out := make([]identifyResultJSON, len(results))
	for i, res := range results {
		out[i] = identifyResultJSON{FaceID: res.FaceID, Candidates: make([]candidateJSON, len(res.Candidates))}
		for j, c := range res.Candidates {
			out[i].Candidates[j] = candidateJSON(c)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// verifyRequest is both forms of verify: face to face (faceId1, faceId2)
// and face to person (faceId, personId and a group), told apart by the
// fields given, since the clients post both to /verify.
type verifyRequest struct {
	FaceID1            string `json:"faceId1"`
	FaceID2            string `json:"faceId2"`
	FaceID             string `json:"faceId"`
	PersonID           string `json:"personId"`
	PersonGroupID      string `json:"personGroupId"`
	LargePersonGroupID string `json:"largePersonGroupId"`
}

type verifyResultJSON struct {
	IsIdentical bool    `json:"isIdentical"`
	Confidence  float64 `json:"confidence"`
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req verifyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	res, err := s.cfg.Recognition.Verify(r.Context(), acct, recognition.VerifyParams(req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, verifyResultJSON(res))
	return nil
}

type findSimilarRequest struct {
	FaceID                     string   `json:"faceId"`
	FaceListID                 string   `json:"faceListId"`
	LargeFaceListID            string   `json:"largeFaceListId"`
	FaceIDs                    []string `json:"faceIds"`
	MaxNumOfCandidatesReturned *int     `json:"maxNumOfCandidatesReturned"`
	Mode                       string   `json:"mode"`
}

type similarFaceJSON struct {
	FaceID          string  `json:"faceId,omitempty"`
	PersistedFaceID string  `json:"persistedFaceId,omitempty"`
	Confidence      float64 `json:"confidence"`
}

func (s *Server) findSimilar(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req findSimilarRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	found, err := s.cfg.Recognition.FindSimilar(r.Context(), acct, recognition.FindSimilarParams{
		FaceID:          req.FaceID,
		FaceListID:      req.FaceListID,
		LargeFaceListID: req.LargeFaceListID,
		FaceIDs:         req.FaceIDs,
		MaxCandidates:   req.MaxNumOfCandidatesReturned,
		Mode:            req.Mode,
	})
	if err != nil {
		return err
	}
	out := make([]similarFaceJSON, len(found))
	for i, f := range found {
		out[i] = similarFaceJSON(f)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type groupRequest struct {
	FaceIDs []string `json:"faceIds"`
}

type groupResultJSON struct {
	Groups     [][]string `json:"groups"`
	MessyGroup []string   `json:"messyGroup"`
}

func (s *Server) group(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req groupRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	res, err := s.cfg.Recognition.Group(r.Context(), acct, req.FaceIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, groupResultJSON(res))
	return nil
}
