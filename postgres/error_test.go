package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"facesnap"
)

func TestInterpretError(t *testing.T) {
	t.Parallel()
	other := errors.New("connection reset")
	fkOther := &pgconn.PgError{Code: foreignKeyViolation, ConstraintName: "persons_collection_fk"}
	for _, tt := range []struct {
		name string
		err  error
		id   string
		want error
	}{
		{"NoRows", fmt.Errorf("scan: %w", pgx.ErrNoRows), "g", facesnap.NotFound(facesnap.ObjectPersonGroup, "g")},
		{"Unique", &pgconn.PgError{Code: uniqueViolation}, "g", facesnap.Exists(facesnap.ObjectPersonGroup, "g")},
		{"UniqueOfABatch", &pgconn.PgError{Code: uniqueViolation,
			Detail: "Key (collection, person_id)=(7, p-1) already exists."}, "", facesnap.Exists(facesnap.ObjectPersonGroup, "p-1")},
		{"ForeignKeyAccount", &pgconn.PgError{Code: foreignKeyViolation, ConstraintName: "operations_account_fk",
			Detail: `Key (account)=(nobody) is not present in table "accounts".`}, "g", facesnap.NotFound(facesnap.ObjectAccount, "nobody")},
		{"ForeignKeyPerson", &pgconn.PgError{Code: foreignKeyViolation, ConstraintName: "faces_person_fk",
			Detail: `Key (collection, person_id)=(7, p-2) is not present in table "persons".`}, "", facesnap.NotFound(facesnap.ObjectPerson, "p-2")},
		{"ForeignKeyOther", fkOther, "g", fkOther},
		{"Other", other, "g", other},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := interpretError(tt.err, facesnap.ObjectPersonGroup, tt.id)
			var nf *facesnap.NotFoundError
			var ex *facesnap.ExistsError
			switch want := tt.want.(type) {
			case *facesnap.NotFoundError:
				if !errors.As(got, &nf) || *nf != *want {
					t.Errorf("got %#v, want %#v", got, want)
				}
			case *facesnap.ExistsError:
				if !errors.As(got, &ex) || *ex != *want {
					t.Errorf("got %#v, want %#v", got, want)
				}
			default:
				if got != tt.want {
					t.Errorf("got %v, want it unchanged", got)
				}
			}
		})
	}
}

func TestKeyValue(t *testing.T) {
	t.Parallel()
	for detail, want := range map[string]string{
		`Key (account)=(acme) is not present in table "accounts".`:         "acme",
		`Key (collection, face_id)=(12, f-1) already exists.`:              "f-1",
		`duplicate key value violates unique constraint "collections_ref"`: "",
		"": "",
	} {
		if got := keyValue(detail); got != want {
			t.Errorf("keyValue(%q) = %q, want %q", detail, got, want)
		}
	}
}
