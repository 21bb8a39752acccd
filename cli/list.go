package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"facesnap/client"
)

func (m *Main) personListCommand(o *apiOptions) *cobra.Command {
	var typ, group string
	cmd := &cobra.Command{
		Use:   "list --group ID",
		Short: "List the persons of a person group, with their face counts",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, c, err := m.typedClient(o, typ, missingFlags(group == "", "person list needs --group"))
			if err != nil {
				return err
			}
			persons, err := needPersons(c, t, group)
			if err != nil {
				return err
			}
			list := []client.Person{}
			for p, err := range persons.All(cmd.Context()) {
				if err != nil {
					return err
				}
				list = append(list, p)
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, list)
			}
			tw := newTable(m.Stdout, "PERSON ID\tNAME\tFACES\tUSER DATA")
			for _, p := range list {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", p.PersonID, p.Name, len(p.PersistedFaceIDs), p.UserData)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&typ, "type", "PersonGroup", "group type: PersonGroup or LargePersonGroup")
	cmd.Flags().StringVar(&group, "group", "", "id of the group")
	return cmd
}

// listedFace is a line of face list: a persisted face and, in person
// groups, its person.
type listedFace struct {
	PersonID        string `json:"personId,omitempty"`
	PersistedFaceID string `json:"persistedFaceId"`
	UserData        string `json:"userData,omitempty"`
}

func (m *Main) faceListCommand(o *apiOptions) *cobra.Command {
	var typ, group, person string
	cmd := &cobra.Command{
		Use:   "list --group ID [--person PERSON_ID]",
		Short: "List the persisted faces of a collection, or of one person",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, c, err := m.typedClient(o, typ, missingFlags(group == "", "face list needs --group"))
			if err != nil {
				return err
			}
			faces, err := listFaces(cmd.Context(), c, t, group, person)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, faces)
			}
			tw := newTable(m.Stdout, "PERSON ID\tPERSISTED FACE ID\tUSER DATA")
			for _, f := range faces {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", orDash(f.PersonID), f.PersistedFaceID, f.UserData)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "PersonGroup", "collection type: PersonGroup, LargePersonGroup, FaceList or LargeFaceList")
	f.StringVar(&group, "group", "", "id of the collection")
	f.StringVar(&person, "person", "", "only this person's faces (person groups)")
	return cmd
}

func listFaces(ctx context.Context, c *client.Client, t client.SnapshotObjectType, group, person string) ([]listedFace, error) {
	out := []listedFace{}
	persons, hasPersons := personsOf(c, t, group)
	switch {
	case !hasPersons && person != "":
		return nil, usageErrorf("a %s has no persons: drop --person", t)
	case hasPersons:
		// A person lists its faces' ids; their user data is one get each.
		add := func(p client.Person) error {
			for _, id := range p.PersistedFaceIDs {
				face, err := persons.Faces(p.PersonID).Get(ctx, id)
				if err != nil {
					return err
				}
				out = append(out, listedFace{p.PersonID, id, face.UserData})
			}
			return nil
		}
		if person != "" {
			p, err := persons.Get(ctx, person)
			if err != nil {
				return nil, err
			}
			return out, add(p)
		}
		for p, err := range persons.All(ctx) {
			if err != nil {
				return nil, err
			}
			if err := add(p); err != nil {
				return nil, err
			}
		}
	case t == client.SnapshotFaceList:
		l, err := c.FaceLists().Get(ctx, group, client.GetOptions{})
		if err != nil {
			return nil, err
		}
		for _, f := range l.PersistedFaces {
			out = append(out, listedFace{PersistedFaceID: f.PersistedFaceID, UserData: f.UserData})
		}
	default:
		for f, err := range c.LargeFaceLists().Faces(group).All(ctx) {
			if err != nil {
				return nil, err
			}
			out = append(out, listedFace{PersistedFaceID: f.PersistedFaceID, UserData: f.UserData})
		}
	}
	return out, nil
}

func (m *Main) groupTrainCommand(o *apiOptions, typ *string) *cobra.Command {
	var wait bool
	cmd := &cobra.Command{
		Use:   "train ID [--wait]",
		Short: "Train a person group or large face list, so that identify and find-similar see its faces",
		Long: `Train a PersonGroup, LargePersonGroup or LargeFaceList (--type); FaceLists
need no training. Without --wait the command returns once the training is
queued; with it, it follows the training's state on stderr until it ends,
and exits 1 if it failed.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			t, c, err := m.typedClient(o, *typ, nil)
			if err != nil {
				return err
			}
			var training client.Training
			switch t {
			case client.SnapshotPersonGroup:
				training = c.PersonGroups().Training
			case client.SnapshotLargePersonGroup:
				training = c.LargePersonGroups().Training
			case client.SnapshotLargeFaceList:
				training = c.LargeFaceLists().Training
			default:
				return usageErrorf("a FaceList needs no training: --type PersonGroup, LargePersonGroup or LargeFaceList")
			}
			if err := training.Train(ctx, a[0]); err != nil {
				return err
			}
			var st client.TrainingStatus
			if wait {
				// Each change of state is shown once.
				var last client.TrainingStatusType
				st, err = training.WaitTraining(ctx, a[0], client.WaitTrainingOptions{Progress: func(st client.TrainingStatus) {
					if st.Status != last {
						fmt.Fprintf(m.Stderr, "training %s: %s\n", a[0], st.Status)
						last = st.Status
					}
				}})
			} else {
				st, err = training.GetTrainingStatus(ctx, a[0])
			}
			if err != nil {
				return err
			}
			if o.output == "json" {
				if err := writeJSON(m.Stdout, st); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(m.Stdout, "training: %s %s\nstatus:   %s\n", t, a[0], st.Status)
				if st.Message != "" {
					fmt.Fprintf(m.Stdout, "message:  %s\n", st.Message)
				}
			}
			if st.Status == client.TrainingFailed {
				return failedf("training %s failed: %s", a[0], st.Message)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the training to end")
	return cmd
}
