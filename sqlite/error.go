package sqlite

import (
	"database/sql"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"facesnap"
)

// interpretError maps the driver's errors to domain errors about object o
// with id: no rows to NotFound, a unique or primary key violation to
// Exists. Other errors are returned as they are.
func interpretError(err error, o facesnap.Object, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return facesnap.NotFound(o, id)
	}
	var serr *sqlite.Error
	if errors.As(err, &serr) {
		switch serr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return facesnap.Exists(o, id)
		}
	}
	return err
}

// isForeignKey reports a foreign key violation: a parent row is missing.
func isForeignKey(err error) bool {
	var serr *sqlite.Error
	return errors.As(err, &serr) && serr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isConstraint reports any constraint violation (unique, primary key,
// foreign key, check, not null).
func isConstraint(err error) bool {
	var serr *sqlite.Error
	return errors.As(err, &serr) && serr.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}
