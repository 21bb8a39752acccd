package cli

import (
	"context"
	"fmt"

	"facesnap/client"
)

// counts is what migrate compares between a source and its copy.
type counts struct {
	Persons int64 `json:"persons"`
	Faces   int64 `json:"faces"`
}

// countCollection counts the persons and faces of a collection, walking
// every page so that a large one is counted whole.
func countCollection(ctx context.Context, c *client.Client, typ client.SnapshotObjectType, id string) (counts, error) {
	var n counts
	countPersons := func(p client.Persons) error {
		for person, err := range p.All(ctx) {
			if err != nil {
				return err
			}
			n.Persons++
			n.Faces += int64(len(person.PersistedFaceIDs))
		}
		return nil
	}
	switch typ {
	case client.SnapshotPersonGroup:
		if _, err := c.PersonGroups().Get(ctx, id, client.GetOptions{}); err != nil {
			return n, err
		}
		return n, countPersons(c.PersonGroups().Persons(id))
	case client.SnapshotLargePersonGroup:
		if _, err := c.LargePersonGroups().Get(ctx, id, client.GetOptions{}); err != nil {
			return n, err
		}
		return n, countPersons(c.LargePersonGroups().Persons(id))
	case client.SnapshotFaceList:
		l, err := c.FaceLists().Get(ctx, id, client.GetOptions{})
		n.Faces = int64(len(l.PersistedFaces))
		return n, err
	case client.SnapshotLargeFaceList:
		if _, err := c.LargeFaceLists().Get(ctx, id, client.GetOptions{}); err != nil {
			return n, err
		}
		for _, err := range c.LargeFaceLists().Faces(id).All(ctx) {
			if err != nil {
				return n, err
			}
			n.Faces++
		}
		return n, nil
	}
	return n, fmt.Errorf("unknown collection type %q", typ)
}
