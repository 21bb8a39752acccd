package snapshots

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"facesnap"
	"facesnap/snapfile"
)

// A snapshot file is untrusted input: its checksum only proves it is the
// file that was imported, and anyone can build a well-formed one offline.
// Import and apply therefore hold every record to the API's own rules
// (facesnap's Validate methods) and to its limits, so an apply can create
// nothing the API would refuse.

// invalidError is a record that breaks a rule. It is the file's fault:
// an apply fails at once with it, an import answers 400.
type invalidError struct {
	record string // "person <id>", "face <id>", "the collection"
	err    error
}

func (e *invalidError) Error() string {
	return e.record + ": " + strings.TrimSuffix(e.err.Error(), ".")
}

func invalid(record string, err error) error { return &invalidError{record: record, err: err} }

// recordCheck applies the rules to a file's records as they stream by.
// Persons come before their faces (CollectionDump's order, which take
// writes): a face whose person has not been read is refused.
type recordCheck struct {
	kind facesnap.Kind
	// persons counts each person's faces. Keys are the 16 bytes of the
	// uuid, so a LargePersonGroup's million persons cost about 40 MB
	// for the length of an apply; faces are not kept (a duplicate face
	// id is the store's unique key violation, reported as invalid too).
	persons map[[16]byte]uint8
	faces   int
	lastSeq int64
}

// newRecordCheck checks the collection record and its training.
func newRecordCheck(c facesnap.Collection, t facesnap.Training) (*recordCheck, error) {
	if err := c.Validate(); err != nil {
		return nil, invalid("the collection", err)
	}
	if err := t.Validate(); err != nil {
		return nil, invalid("the training", err)
	}
	return &recordCheck{kind: c.Kind, persons: map[[16]byte]uint8{}}, nil
}

func (rc *recordCheck) check(rec snapfile.Record) error {
	switch {
	case rec.Person != nil:
		return rc.person(rec.Person)
	case rec.Face != nil:
		return rc.face(rec.Face)
	}
	return nil
}

func (rc *recordCheck) person(p *facesnap.Person) error {
	what := "person " + p.ID
	if !rc.kind.HasPersons() {
		return invalid(what, fmt.Errorf("a %s has no persons", rc.kind))
	}
	if err := p.Validate(); err != nil {
		return invalid(what, err)
	}
	if rc.faces > 0 {
		return invalid(what, errors.New("persons must come before the faces"))
	}
	k := uuidKey(p.ID)
	if _, dup := rc.persons[k]; dup {
		return invalid(what, errors.New("the file holds this person twice"))
	}
	if len(rc.persons) >= rc.kind.MaxPersons() {
		return invalid(what, fmt.Errorf("a %s holds at most %d persons", rc.kind, rc.kind.MaxPersons()))
	}
	rc.persons[k] = 0
	return nil
}

func (rc *recordCheck) face(f *facesnap.Face) error {
	what := "face " + f.ID
	if err := f.Validate(rc.kind); err != nil {
		return invalid(what, err)
	}
	// The store numbers faces from 1 and dumps them in that order.
	if f.Seq <= rc.lastSeq {
		return invalid(what, fmt.Errorf("sequence number %d does not follow %d", f.Seq, rc.lastSeq))
	}
	rc.lastSeq = f.Seq
	rc.faces++
	if !rc.kind.HasPersons() {
		if rc.faces > rc.kind.MaxFaces() {
			return invalid(what, fmt.Errorf("a %s holds at most %d faces", rc.kind, rc.kind.MaxFaces()))
		}
		return nil
	}
	k := uuidKey(f.PersonID)
	n, ok := rc.persons[k]
	if !ok {
		return invalid(what, fmt.Errorf("its person %s is not in the file before it", f.PersonID))
	}
	if int(n) >= facesnap.MaxFacesPerPerson {
		return invalid(what, fmt.Errorf("person %s holds at most %d faces", f.PersonID, facesnap.MaxFacesPerPerson))
	}
	rc.persons[k] = n + 1
	return nil
}

// uuidKey packs a uuid that ValidUUID accepted into its 16 bytes.
func uuidKey(id string) [16]byte {
	var k [16]byte
	hex.Decode(k[:], []byte(strings.ReplaceAll(id, "-", ""))) // valid hex: checked
	return k
}

// verify reads a whole snapshot file, checks it is intact and that every
// record keeps the rules, and returns the collection it holds and its
// summary.
func verify(r io.Reader) (facesnap.Collection, snapfile.Summary, error) {
	sr, err := snapfile.NewReader(r)
	if err != nil {
		return facesnap.Collection{}, snapfile.Summary{}, err
	}
	defer sr.Close()
	c, t, _ := sr.Collection()
	rc, err := newRecordCheck(c, t)
	if err != nil {
		return facesnap.Collection{}, snapfile.Summary{}, err
	}
	for {
		rec, err := sr.Next()
		if err == io.EOF {
			return c, sr.Summary(), nil
		}
		if err != nil {
			return facesnap.Collection{}, snapfile.Summary{}, err
		}
		if err := rc.check(rec); err != nil {
			return facesnap.Collection{}, snapfile.Summary{}, err
		}
	}
}
