package sqlite

import (
	"context"

	"facesnap"
	"facesnap/internal/storecodec"
)

const sqlTrainingGet = `SELECT ` + storecodec.TrainingColumns + ` FROM collections
		 WHERE ` + visible

// TrainingGet returns the zero Training for a collection never trained,
// so the caller can tell "not trained" from "nonstarted".
func (s *store) TrainingGet(ctx context.Context, ref facesnap.CollectionRef) (facesnap.Training, error) {
	var t facesnap.Training
	dest, done := storecodec.TrainingDest(&t)
	err := s.reader().QueryRowContext(ctx, sqlTrainingGet, ref.Account, ref.Kind, ref.ID).Scan(dest...)
	if err != nil {
		return facesnap.Training{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	done()
	return t, nil
}

func (s *store) TrainingSet(ctx context.Context, ref facesnap.CollectionRef, t facesnap.Training) error {
	return s.writeTx(ctx, func(tx *txq) error {
		return setTraining(ctx, tx, ref, "visible", "", t)
	})
}

// setTraining writes t on the collection in state (and of owner, for a
// reserved one), and makes it visible.
func setTraining(ctx context.Context, tx *txq, ref facesnap.CollectionRef, state, owner string, t facesnap.Training) error {
	res, err := tx.ExecContext(ctx,
		`UPDATE collections SET
		   training_status = ?, training_created_at = ?, training_last_action_at = ?,
		   training_last_success_at = ?, training_message = ?, training_seq = ?,
		   state = 'visible', owner = ''
		 WHERE account = ? AND kind = ? AND ext_id = ? AND state = ? AND owner = ?`,
		t.Status, storecodec.Nanos(t.CreatedAt), storecodec.Nanos(t.LastActionAt), storecodec.Nanos(t.LastSuccessAt), t.Message, t.TrainedSeq,
		ref.Account, ref.Kind, ref.ID, state, owner)
	return mustAffect(res, err, facesnap.ObjectOf(ref.Kind), ref.ID)
}
