package httpapi

import (
	"net/http"

	"facesnap"
)

// trainingJSON is TrainingStatus on the wire; times that did not happen
// yet are left out.
type trainingJSON struct {
	Status                         facesnap.TrainingState `json:"status"`
	CreatedDateTime                apiTime                `json:"createdDateTime"`
	LastActionDateTime             *apiTime               `json:"lastActionDateTime,omitempty"`
	LastSuccessfulTrainingDateTime *apiTime               `json:"lastSuccessfulTrainingDateTime,omitempty"`
	Message                        string                 `json:"message,omitempty"`
}

func (s *Server) train(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		if err := s.cfg.Collections.Train(r.Context(), acct, k.Kind, r.PathValue(k.Param)); err != nil {
			return err
		}
		writeEmpty(w, http.StatusAccepted)
		return nil
	}
}

func (s *Server) trainingStatus(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		t, err := s.cfg.Collections.TrainingStatus(r.Context(), acct, k.Kind, r.PathValue(k.Param))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, trainingJSON{
			Status:                         t.Status,
			CreatedDateTime:                apiTime(t.CreatedAt),
			LastActionDateTime:             optTime(t.LastActionAt),
			LastSuccessfulTrainingDateTime: optTime(t.LastSuccessAt),
			Message:                        t.Message,
		})
		return nil
	}
}
