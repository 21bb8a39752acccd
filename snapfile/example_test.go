package snapfile_test

import (
	"bytes"
	"fmt"
	"io"

	"facesnap"
	"facesnap/snapfile"
)

func Example() {
	var file bytes.Buffer
	w := snapfile.NewWriter(&file) // a facesnap.DumpSink
	w.Collection(facesnap.Collection{CollectionRef: facesnap.CollectionRef{Kind: facesnap.KindPersonGroup, ID: "staff"}},
		facesnap.Training{Status: facesnap.TrainingSucceeded, TrainedSeq: 1},
		facesnap.CollectionStats{Persons: 1, Faces: 1, MaxSeq: 1})
	w.Person(facesnap.Person{ID: "p1", Name: "Ada"})
	w.Face(facesnap.Face{ID: "f1", PersonID: "p1", Seq: 1, Feature: []float32{0.1, 0.2}})
	sum, err := w.Close()
	if err != nil {
		panic(err)
	}

	r, err := snapfile.NewReader(&file)
	if err != nil {
		panic(err)
	}
	c, _, _ := r.Collection()
	fmt.Println(c.Kind, c.ID)
	var faces []facesnap.Face
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break // verified: now it is safe to publish
		}
		if err != nil {
			panic(err) // errors.Is(err, snapfile.ErrCorrupt): discard
		}
		if rec.Face != nil {
			faces = append(faces, *rec.Face) // copy: the Reader reuses *rec.Face
		}
	}
	fmt.Println(len(faces), faces[0].Feature, r.Summary().SHA256 == sum.SHA256)
	// Output:
	// PersonGroup staff
	// 1 [0.1 0.2] true
}
