// Package benchgroup fills a store with a large LargePersonGroup through
// the store's bulk path (reserve, load in batches, publish), as a snapshot
// apply would, for the benchmark commands.
package benchgroup

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"facesnap"
)

// Load creates the group ref of persons persons with faces faces each;
// face gives face f of person p its rectangle and descriptor. The group is published
// as trained up to its last face when trained is set, untrained otherwise.
// It returns the persons' ids, in order.
func Load(ctx context.Context, db facesnap.Store, ref facesnap.CollectionRef, persons, faces int, trained bool,
	face func(person, face int) (facesnap.Rect, []float32)) ([]string, error) {
	owner := "bench-populate"
	now := time.Now().UTC()
	if err := db.CollectionReserve(ctx, facesnap.CollectionReserveParams{
		Collection: facesnap.Collection{CollectionRef: ref, Name: "benchmark", UserData: "benchmark group",
			RecognitionModel: facesnap.DefaultRecognitionModel, CreatedAt: now},
		Owner: owner,
	}); err != nil {
		return nil, err
	}
	ids := make([]string, persons)
	batch := facesnap.CollectionLoadParams{Ref: ref, Owner: owner}
	seq := int64(0)
	for i := range persons {
		ids[i] = uuid.NewString()
		p := facesnap.Person{ID: ids[i], Name: fmt.Sprintf("person %d", i), UserData: fmt.Sprintf(`{"employee":%d,"team":"bench"}`, i)}
		batch.Persons = append(batch.Persons, p)
		for j := range faces {
			seq++
			rect, feature := face(i, j)
			batch.Faces = append(batch.Faces, facesnap.Face{
				ID: uuid.NewString(), PersonID: p.ID, UserData: "camera=front",
				Rect: rect, DetectionModel: facesnap.DefaultDetectionModel, Feature: feature, Seq: seq, CreatedAt: now,
			})
		}
		if len(batch.Faces) >= 5000 || i == persons-1 {
			if err := db.CollectionLoad(ctx, batch); err != nil {
				return nil, err
			}
			batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		}
	}
	t := facesnap.Training{}
	if trained {
		t = facesnap.Training{Status: facesnap.TrainingSucceeded, CreatedAt: now, LastActionAt: now, LastSuccessAt: now, TrainedSeq: seq}
	}
	return ids, db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: owner, Training: t})
}
