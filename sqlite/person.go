package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"facesnap"
)

const (
	insertPerson   = `INSERT INTO persons (collection, person_id, name, user_data) VALUES (?, ?, ?, ?)`
	sqlPersonCount = `UPDATE collections SET person_count = person_count + 1 WHERE pk = ? RETURNING person_count`
	sqlPersonGet   = `SELECT p.person_id, p.name, p.user_data, f.face_id
		 FROM collections c
		 LEFT JOIN persons p ON p.collection = c.pk AND p.person_id = ?
		 LEFT JOIN faces f ON f.collection = c.pk AND f.person_id = p.person_id
		 WHERE c.account = ? AND c.kind = ? AND c.ext_id = ? AND c.state = 'visible'
		 ORDER BY f.seq`
	sqlPersonExists = `SELECT 1 FROM persons WHERE collection = ? AND person_id = ?`
)

func (s *store) PersonCreate(ctx context.Context, p facesnap.PersonCreateParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		pk, err := collectionPK(ctx, tx, p.Ref)
		if err != nil {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, sqlPersonCount, pk).Scan(&n)
		if err != nil {
			return err
		}
		if p.MaxPersons > 0 && n > p.MaxPersons {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The %s has reached the limit of %d persons.", p.Ref.Kind, p.MaxPersons)}
		}
		_, err = tx.ExecContext(ctx, insertPerson, pk, p.Person.ID, p.Person.Name, p.Person.UserData)
		return interpretError(err, facesnap.ObjectPerson, p.Person.ID)
	})
}

// PersonGet is one statement, so it needs no transaction to be
// consistent: no row means no collection, a NULL person no person, and
// each row carries one face id in add order.
func (s *store) PersonGet(ctx context.Context, ref facesnap.CollectionRef, personID string) (facesnap.Person, error) {
	if s.tx != nil {
		return s.personGet(ctx, ref, personID)
	}
	k := personKey{ref.Account, string(ref.Kind), ref.ID, personID}
	p, ok, v, err := s.persons.get(ctx, k)
	if err != nil {
		// Without a version nothing can be cached or trusted: read.
		return s.personGet(ctx, ref, personID)
	}
	if ok {
		return p, nil
	}
	p, err = s.personGet(ctx, ref, personID)
	if err == nil {
		s.persons.put(k, p, v)
	}
	return p, err
}

func (s *store) personGet(ctx context.Context, ref facesnap.CollectionRef, personID string) (facesnap.Person, error) {
	rows, err := s.reader().QueryContext(ctx, sqlPersonGet, personID, ref.Account, ref.Kind, ref.ID)
	if err != nil {
		return facesnap.Person{}, err
	}
	defer rows.Close()
	var p facesnap.Person
	var id, name, userData, faceID sql.NullString
	found := false
	for rows.Next() {
		if err := rows.Scan(&id, &name, &userData, &faceID); err != nil {
			return facesnap.Person{}, err
		}
		found = true
		p.ID, p.Name, p.UserData = id.String, name.String, userData.String
		if faceID.Valid {
			p.FaceIDs = append(p.FaceIDs, faceID.String)
		}
	}
	if err := rows.Err(); err != nil {
		return facesnap.Person{}, err
	}
	switch {
	case !found:
		return facesnap.Person{}, facesnap.NotFound(facesnap.ObjectOf(ref.Kind), ref.ID)
	case !id.Valid:
		return facesnap.Person{}, facesnap.NotFound(facesnap.ObjectPerson, personID)
	}
	return p, nil
}

func (s *store) PersonList(ctx context.Context, p facesnap.PersonListParams) ([]facesnap.Person, error) {
	var ps []facesnap.Person
	err := s.readTx(ctx, func(q querier) error {
		pk, err := collectionPK(ctx, q, p.Ref)
		if err != nil {
			return err
		}
		ps, err = listPersons(ctx, q, pk, p.Start, p.Top)
		return err
	})
	return ps, err
}

// listPersons reads a page of the persons of collection pk, sorted by id,
// then their face ids with one range query from the first to the last
// person read.
func listPersons(ctx context.Context, q querier, pk int64, start string, top int) ([]facesnap.Person, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT person_id, name, user_data FROM persons
		 WHERE collection = ? AND person_id > ? ORDER BY person_id LIMIT ?`,
		pk, start, limit(top))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []facesnap.Person
	index := map[string]int{}
	for rows.Next() {
		var p facesnap.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.UserData); err != nil {
			return nil, err
		}
		index[p.ID] = len(ps)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil || len(ps) == 0 {
		return ps, err
	}
	rows.Close()

	rows, err = q.QueryContext(ctx,
		`SELECT person_id, face_id FROM faces
		 WHERE collection = ? AND person_id BETWEEN ? AND ? ORDER BY person_id, seq`,
		pk, ps[0].ID, ps[len(ps)-1].ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var personID, faceID string
		if err := rows.Scan(&personID, &faceID); err != nil {
			return nil, err
		}
		p := &ps[index[personID]]
		p.FaceIDs = append(p.FaceIDs, faceID)
	}
	return ps, rows.Err()
}

func (s *store) PersonUpdate(ctx context.Context, p facesnap.PersonUpdateParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		pk, err := collectionPK(ctx, tx, p.Ref)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE persons SET name = coalesce(?, name), user_data = coalesce(?, user_data)
			 WHERE collection = ? AND person_id = ?`,
			p.Name, p.UserData, pk, p.PersonID)
		return mustAffect(res, err, facesnap.ObjectPerson, p.PersonID)
	})
}

func (s *store) PersonDelete(ctx context.Context, ref facesnap.CollectionRef, personID string) error {
	return s.writeTx(ctx, func(tx *txq) error {
		pk, err := collectionPK(ctx, tx, ref)
		if err != nil {
			return err
		}
		if err := personExists(ctx, tx, pk, personID); err != nil {
			return err
		}
		// The faces go by cascade; count them first (at most
		// MaxFacesPerPerson) to keep the collection's count.
		_, err = tx.ExecContext(ctx,
			`UPDATE collections SET person_count = person_count - 1,
			   face_count = face_count - (SELECT count(*) FROM faces WHERE collection = ?1 AND person_id = ?2)
			 WHERE pk = ?1`, pk, personID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM persons WHERE collection = ? AND person_id = ?`, pk, personID)
		return err
	})
}

// personExists checks that the person is in collection pk.
func personExists(ctx context.Context, q querier, pk int64, personID string) error {
	var one int
	err := q.QueryRowContext(ctx, sqlPersonExists, pk, personID).Scan(&one)
	return interpretError(err, facesnap.ObjectPerson, personID)
}
