package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"facesnap"
)

// SQLSTATE codes the store maps.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// parents says which object is missing when an insert breaks a foreign
// key, by the constraint's name (migrations/00001_init.sql names them).
// The collections' keys are not here: a write that adds to a collection
// locks its row first, so it cannot vanish under the insert.
var parents = map[string]facesnap.Object{
	"account_keys_account_fk":   facesnap.ObjectAccount,
	"collections_account_fk":    facesnap.ObjectAccount,
	"operations_account_fk":     facesnap.ObjectAccount,
	"detected_faces_account_fk": facesnap.ObjectAccount,
	"faces_person_fk":           facesnap.ObjectPerson,
}

// interpretError maps the driver's errors to domain errors about object o
// with id: no rows to NotFound, a unique or primary key violation to
// Exists, a foreign key violation to NotFound of the missing parent. An
// empty id is taken from the error (a batch does not know which row
// failed). Other errors are returned as they are.
func interpretError(err error, o facesnap.Object, id string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return facesnap.NotFound(o, id)
	}
	var perr *pgconn.PgError
	if !errors.As(err, &perr) {
		return err
	}
	switch perr.Code {
	case uniqueViolation:
		if id == "" {
			id = keyValue(perr.Detail)
		}
		return facesnap.Exists(o, id)
	case foreignKeyViolation:
		if parent, ok := parents[perr.ConstraintName]; ok {
			return facesnap.NotFound(parent, keyValue(perr.Detail))
		}
	}
	return err
}

// keyValue returns the last value of the key an integrity error's detail
// names: `Key (collection, person_id)=(7, abc) is not present in table
// "persons".` gives "abc". A batch (COPY) does not say which row failed
// otherwise. It is "" when the detail has another shape.
func keyValue(detail string) string {
	_, rest, ok := strings.Cut(detail, ")=(")
	if !ok {
		return ""
	}
	values, _, ok := strings.Cut(rest, ") ")
	if !ok {
		return ""
	}
	if i := strings.LastIndex(values, ", "); i >= 0 {
		values = values[i+2:]
	}
	return values
}
