package postgres

import (
	"context"

	"facesnap"
	"facesnap/internal/storecodec"
)

// TrainingGet returns the zero Training for a collection never trained,
// so the caller can tell "not trained" from "nonstarted".
func (s *store) TrainingGet(ctx context.Context, ref facesnap.CollectionRef) (facesnap.Training, error) {
	var t facesnap.Training
	dest, done := storecodec.TrainingDest(&t)
	query := `SELECT ` + storecodec.TrainingColumns + ` FROM collections WHERE ` + visible
	if s.tx != nil {
		// Held to the end of InTx, as SQLite's single writer holds
		// everything: a Train that reads the training idle and queues
		// it is not raced by another.
		query += ` FOR UPDATE`
	}
	err := s.reader().QueryRow(ctx, query, refArgs(ref)...).Scan(dest...)
	if err != nil {
		return facesnap.Training{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	done()
	return t, nil
}

func (s *store) TrainingSet(ctx context.Context, ref facesnap.CollectionRef, t facesnap.Training) error {
	return s.write(ctx, func(q querier) error {
		return setTraining(ctx, q, ref, "visible", "", t)
	})
}

// setTraining writes t on the collection in state (and of owner, for a
// reserved one), and makes it visible.
func setTraining(ctx context.Context, q querier, ref facesnap.CollectionRef, state, owner string, t facesnap.Training) error {
	tag, err := q.Exec(ctx,
		`UPDATE collections SET
		   training_status = $6, training_created_at = $7, training_last_action_at = $8,
		   training_last_success_at = $9, training_message = $10, training_seq = $11,
		   state = 'visible', owner = ''
		 WHERE account = $1 AND kind = $2 AND ext_id = $3 AND state = $4 AND owner = $5`,
		refArgs(ref, state, owner, string(t.Status), storecodec.Nanos(t.CreatedAt), storecodec.Nanos(t.LastActionAt),
			storecodec.Nanos(t.LastSuccessAt), t.Message, t.TrainedSeq)...)
	return mustAffect(tag, err, facesnap.ObjectOf(ref.Kind), ref.ID)
}
