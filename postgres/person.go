package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"facesnap"
)

// lockCollection finds the visible collection ref names and locks its row
// by updating it with set (a list of assignments, or "pk = pk"), whose
// arguments follow the ref's as $4.... It returns the key and what
// returning names. Writes that add to a collection call it first, so they
// run one at a time per collection, on every node.
func lockCollection(ctx context.Context, q querier, ref facesnap.CollectionRef, set, returning string, dest ...any) (int64, error) {
	var pk int64
	err := q.QueryRow(ctx,
		`UPDATE collections SET `+set+` WHERE `+visible+` RETURNING pk`+returning,
		refArgs(ref)...).Scan(append([]any{&pk}, dest...)...)
	return pk, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
}

func (s *store) PersonCreate(ctx context.Context, p facesnap.PersonCreateParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		var n int
		pk, err := lockCollection(ctx, tx, p.Ref, `person_count = person_count + 1`, `, person_count`, &n)
		if err != nil {
			return err
		}
		if p.MaxPersons > 0 && n > p.MaxPersons {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The %s has reached the limit of %d persons.", p.Ref.Kind, p.MaxPersons)}
		}
		_, err = tx.Exec(ctx,
			`INSERT INTO persons (collection, person_id, name, user_data) VALUES ($1, $2, $3, $4)`,
			pk, p.Person.ID, p.Person.Name, p.Person.UserData)
		return interpretError(err, facesnap.ObjectPerson, p.Person.ID)
	})
}

// faceIDs is the select-list item that gathers a person's face ids in add
// order; p and c are the persons and collections rows.
const faceIDs = `ARRAY(SELECT f.face_id FROM faces f
	WHERE f.collection = c.pk AND f.person_id = p.person_id ORDER BY f.seq)`

// PersonGet is one statement, so it is consistent without a transaction:
// no row means no collection, a NULL person no person.
func (s *store) PersonGet(ctx context.Context, ref facesnap.CollectionRef, personID string) (facesnap.Person, error) {
	var id, name, userData *string
	var faces []string
	err := s.reader().QueryRow(ctx,
		`SELECT p.person_id, p.name, p.user_data, `+faceIDs+`
		 FROM collections c
		 LEFT JOIN persons p ON p.collection = c.pk AND p.person_id = $4
		 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'`,
		refArgs(ref, personID)...).Scan(&id, &name, &userData, &faces)
	if err != nil {
		return facesnap.Person{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	if id == nil {
		return facesnap.Person{}, facesnap.NotFound(facesnap.ObjectPerson, personID)
	}
	return facesnap.Person{ID: *id, Name: *name, UserData: *userData, FaceIDs: nilIfEmpty(faces)}, nil
}

// nilIfEmpty makes a person without faces have nil FaceIDs, as it was
// created.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// PersonList is one statement: the collection, left-joined to a page of
// its persons, each with its face ids. A row without a person is an empty
// page of an existing collection.
func (s *store) PersonList(ctx context.Context, p facesnap.PersonListParams) ([]facesnap.Person, error) {
	rows, err := s.reader().Query(ctx,
		`SELECT p.person_id, p.name, p.user_data, `+faceIDs+`
		 FROM collections c
		 LEFT JOIN LATERAL (
		   SELECT person_id, name, user_data FROM persons
		   WHERE collection = c.pk AND person_id > $4 ORDER BY person_id LIMIT $5
		 ) p ON true
		 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'
		 ORDER BY p.person_id`,
		refArgs(p.Ref, p.Start, limit(p.Top))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []facesnap.Person
	found := false
	for rows.Next() {
		found = true
		var id, name, userData *string
		var faces []string
		if err := rows.Scan(&id, &name, &userData, &faces); err != nil {
			return nil, err
		}
		if id != nil {
			ps = append(ps, facesnap.Person{ID: *id, Name: *name, UserData: *userData, FaceIDs: nilIfEmpty(faces)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, facesnap.NotFound(facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
	}
	return ps, nil
}

func (s *store) PersonUpdate(ctx context.Context, p facesnap.PersonUpdateParams) error {
	return s.write(ctx, func(q querier) error {
		var person *string
		err := q.QueryRow(ctx,
			`WITH c AS (SELECT pk FROM collections WHERE `+visible+`),
			 u AS (
			   UPDATE persons SET name = coalesce($5, name), user_data = coalesce($6, user_data)
			   WHERE collection = (SELECT pk FROM c) AND person_id = $4
			   RETURNING person_id)
			 SELECT (SELECT person_id FROM u) FROM c`,
			refArgs(p.Ref, p.PersonID, p.Name, p.UserData)...).Scan(&person)
		if err != nil {
			return interpretError(err, facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
		}
		if person == nil {
			return facesnap.NotFound(facesnap.ObjectPerson, p.PersonID)
		}
		return nil
	})
}

func (s *store) PersonDelete(ctx context.Context, ref facesnap.CollectionRef, personID string) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		pk, err := lockCollection(ctx, tx, ref, `person_count = person_count - 1`, ``)
		if err != nil {
			return err
		}
		// The faces go by cascade; count them first (at most
		// MaxFacesPerPerson) to keep the collection's count. This is a
		// statement of its own so that it sees the faces committed before
		// the lock was granted.
		_, err = tx.Exec(ctx,
			`UPDATE collections SET face_count = face_count -
			   (SELECT count(*) FROM faces WHERE collection = $1 AND person_id = $2)
			 WHERE pk = $1`, pk, personID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM persons WHERE collection = $1 AND person_id = $2`, pk, personID)
		return mustAffect(tag, err, facesnap.ObjectPerson, personID)
	})
}
