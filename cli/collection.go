package cli

import (
	"context"
	"fmt"
	"iter"

	"github.com/spf13/cobra"

	"facesnap/client"
)

// groupInfo is what group list shows of any kind of collection.
type groupInfo struct {
	ID               string                  `json:"id"`
	Name             string                  `json:"name,omitempty"`
	UserData         string                  `json:"userData,omitempty"`
	RecognitionModel client.RecognitionModel `json:"recognitionModel,omitempty"`
}

func (m *Main) groupCommand() *cobra.Command {
	o := &apiOptions{}
	var typ string
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Create, list, train and delete person groups and face lists",
		RunE:  groupRunE,
	}
	m.addAPIFlags(cmd, o)
	cmd.PersistentFlags().StringVar(&typ, "type", "PersonGroup", "collection type: PersonGroup, LargePersonGroup, FaceList or LargeFaceList")

	var body client.MetaDataContract
	var model string
	create := &cobra.Command{
		Use:   "create ID [--name NAME]",
		Short: "Create a collection",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			t, c, err := m.typedClient(o, typ, nil)
			if err != nil {
				return err
			}
			body.RecognitionModel = client.RecognitionModel(model)
			if body.Name == "" {
				body.Name = a[0] // the service requires a name
			}
			if err := collectionOf(c, t).Create(cmd.Context(), a[0], body); err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, map[string]string{"type": string(t), "id": a[0]})
			}
			fmt.Fprintf(m.Stdout, "created %s %s\n", t, a[0])
			return nil
		},
	}
	create.Flags().StringVar(&body.Name, "name", "", "display name (default: the id)")
	create.Flags().StringVar(&body.UserData, "user-data", "", "user data")
	create.Flags().StringVar(&model, "recognition-model", "", "recognition_01 to recognition_04 (default: the server's)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the collections of a type",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, c, err := m.typedClient(o, typ, nil)
			if err != nil {
				return err
			}
			groups, err := listCollections(cmd.Context(), c, t)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, groups)
			}
			tw := newTable(m.Stdout, "ID\tNAME\tRECOGNITION MODEL")
			for _, g := range groups {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", g.ID, g.Name, g.RecognitionModel)
			}
			return tw.Flush()
		},
	}

	del := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a collection with its persons and faces",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			t, c, err := m.typedClient(o, typ, nil)
			if err != nil {
				return err
			}
			if err := collectionOf(c, t).Delete(cmd.Context(), a[0]); err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, map[string]string{"type": string(t), "deleted": a[0]})
			}
			fmt.Fprintf(m.Stdout, "deleted %s %s\n", t, a[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, m.groupTrainCommand(o, &typ), del)
	return cmd
}

// collectionCalls are the calls every kind of collection has whose
// signature does not depend on the kind's model.
type collectionCalls interface {
	Create(ctx context.Context, id string, body client.MetaDataContract) error
	Delete(ctx context.Context, id string) error
}

func collectionOf(c *client.Client, t client.SnapshotObjectType) collectionCalls {
	switch t {
	case client.SnapshotPersonGroup:
		return c.PersonGroups()
	case client.SnapshotLargePersonGroup:
		return c.LargePersonGroups()
	case client.SnapshotFaceList:
		return c.FaceLists()
	default:
		return c.LargeFaceLists()
	}
}

func listCollections(ctx context.Context, c *client.Client, t client.SnapshotObjectType) ([]groupInfo, error) {
	opts := client.GetOptions{ReturnRecognitionModel: true}
	switch t {
	case client.SnapshotPersonGroup:
		return collectAll(c.PersonGroups().All(ctx, opts), func(g client.PersonGroup) groupInfo {
			return groupInfo{g.PersonGroupID, g.Name, g.UserData, g.RecognitionModel}
		})
	case client.SnapshotLargePersonGroup:
		return collectAll(c.LargePersonGroups().All(ctx, opts), func(g client.LargePersonGroup) groupInfo {
			return groupInfo{g.LargePersonGroupID, g.Name, g.UserData, g.RecognitionModel}
		})
	case client.SnapshotFaceList:
		return collectAll(c.FaceLists().All(ctx, opts), func(l client.FaceList) groupInfo {
			return groupInfo{l.FaceListID, l.Name, l.UserData, l.RecognitionModel}
		})
	default:
		return collectAll(c.LargeFaceLists().All(ctx, opts), func(l client.LargeFaceList) groupInfo {
			return groupInfo{l.LargeFaceListID, l.Name, l.UserData, l.RecognitionModel}
		})
	}
}

// collectAll gathers a paged walk into one slice, which is never nil so
// that JSON shows [] for none.
func collectAll[T any](seq iter.Seq2[T, error], conv func(T) groupInfo) ([]groupInfo, error) {
	out := []groupInfo{}
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, conv(v))
	}
	return out, nil
}
