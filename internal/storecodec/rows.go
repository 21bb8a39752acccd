package storecodec

import "facesnap"

// Row is a result row: *sql.Row, *sql.Rows, pgx.Row, pgx.Rows.
type Row interface{ Scan(dest ...any) error }

// The columns of a table that ScanCollection, ScanOperation and
// TrainingDest read, in their order: the schemas of both stores name
// them alike.
const (
	CollectionColumns = `account, kind, ext_id, name, user_data, recognition_model, created_at`
	OperationColumns  = `id, account, kind, args, status, created_at, last_action_at, resource_location,
	message, done, total, attempt, lease_owner, lease_until, finished_at`
	TrainingColumns = `training_status, training_created_at, training_last_action_at,
	training_last_success_at, training_message, training_seq`
)

// ScanCollection reads CollectionColumns, then extra.
func ScanCollection(row Row, extra ...any) (facesnap.Collection, error) {
	var c facesnap.Collection
	var created int64
	err := row.Scan(append([]any{&c.Account, &c.Kind, &c.ID, &c.Name, &c.UserData, &c.RecognitionModel, &created}, extra...)...)
	c.CreatedAt = TimeAt(created)
	return c, err
}

// ScanOperation reads OperationColumns.
func ScanOperation(row Row) (facesnap.Operation, error) {
	var op facesnap.Operation
	var created, action, lease, finished int64
	err := row.Scan(&op.ID, &op.Account, &op.Kind, &op.Args, &op.Status, &created, &action,
		&op.ResourceLocation, &op.Message, &op.Done, &op.Total, &op.Attempt, &op.LeaseOwner, &lease, &finished)
	op.CreatedAt, op.LastActionAt, op.LeaseUntil, op.FinishedAt = TimeAt(created), TimeAt(action), TimeAt(lease), TimeAt(finished)
	return op, err
}

// TrainingDest returns the scan destinations of TrainingColumns into t,
// and the func that converts the times once the row is scanned.
func TrainingDest(t *facesnap.Training) (dest []any, done func()) {
	var created, action, success int64
	return []any{&t.Status, &created, &action, &success, &t.Message, &t.TrainedSeq}, func() {
		t.CreatedAt, t.LastActionAt, t.LastSuccessAt = TimeAt(created), TimeAt(action), TimeAt(success)
	}
}
