package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"facesnap/client"
)

// maxIdentifyFaces is how many faces one identify call takes.
const maxIdentifyFaces = 10

// collectionModel returns the recognition model of a collection: faces
// compared with it must be detected with the same one.
func collectionModel(ctx context.Context, c *client.Client, t client.SnapshotObjectType, id string) (client.RecognitionModel, error) {
	opts := client.GetOptions{ReturnRecognitionModel: true}
	switch t {
	case client.SnapshotPersonGroup:
		g, err := c.PersonGroups().Get(ctx, id, opts)
		return g.RecognitionModel, err
	case client.SnapshotLargePersonGroup:
		g, err := c.LargePersonGroups().Get(ctx, id, opts)
		return g.RecognitionModel, err
	case client.SnapshotFaceList:
		l, err := c.FaceLists().Get(ctx, id, opts)
		return l.RecognitionModel, err
	default:
		l, err := c.LargeFaceLists().Get(ctx, id, opts)
		return l.RecognitionModel, err
	}
}

// idFields fills the pair of id fields a recognition request names its
// collection by (personGroupId or largePersonGroupId, faceListId or
// largeFaceListId): id goes in the first when small, in the second
// otherwise, and the other stays empty, which the JSON leaves out.
func idFields(small bool, id string) (first, second string) {
	if small {
		return id, ""
	}
	return "", id
}

// identifiedFace is one face of face identify's answer.
type identifiedFace struct {
	FaceID        string              `json:"faceId"`
	FaceRectangle client.Rectangle    `json:"faceRectangle"`
	Candidates    []identifyCandidate `json:"candidates"`
}

type identifyCandidate struct {
	PersonID   string  `json:"personId"`
	Name       string  `json:"name,omitempty"`
	Confidence float64 `json:"confidence"`
}

func (m *Main) faceIdentifyCommand(o *apiOptions) *cobra.Command {
	var (
		typ, group string
		max        int
		threshold  float64
	)
	cmd := &cobra.Command{
		Use:   "identify --group ID IMAGE",
		Short: "Detect the faces of an image and identify each one in a trained person group",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			t, c, err := m.typedClient(o, typ, missingFlags(group == "", "face identify needs --group"))
			if err != nil {
				return err
			}
			persons, err := needPersons(c, t, group)
			if err != nil {
				return fmt.Errorf("%w (find-similar searches face lists)", err)
			}
			model, err := collectionModel(ctx, c, t, group)
			if err != nil {
				return err
			}
			faces, err := detectFile(ctx, c, a[0], client.DetectOptions{RecognitionModel: model})
			if err != nil {
				return err
			}
			req := client.IdentifyRequest{MaxNumOfCandidatesReturned: max}
			req.PersonGroupID, req.LargePersonGroupID = idFields(t == client.SnapshotPersonGroup, group)
			if cmd.Flags().Changed("threshold") {
				req.ConfidenceThreshold = &threshold
			}
			out, err := identifyFaces(ctx, c, persons, req, faces)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, out)
			}
			tw := newTable(m.Stdout, "FACE ID\tRECTANGLE\tPERSON ID\tNAME\tCONFIDENCE")
			for _, f := range out {
				if len(f.Candidates) == 0 {
					fmt.Fprintf(tw, "%s\t%s\t-\t(unknown)\t-\n", f.FaceID, rectString(f.FaceRectangle))
				}
				for _, cand := range f.Candidates {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\n", f.FaceID, rectString(f.FaceRectangle), cand.PersonID, orDash(cand.Name), cand.Confidence)
				}
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "PersonGroup", "group type: PersonGroup or LargePersonGroup")
	f.StringVar(&group, "group", "", "id of the trained group")
	f.IntVar(&max, "max-candidates", 0, "candidates per face, 1 to 5 (default: the server's, 1)")
	f.Float64Var(&threshold, "threshold", 0, "lowest confidence of a candidate, 0 to 1 (default: the server's)")
	return cmd
}

// identifyFaces identifies faces with req, maxIdentifyFaces a call, and
// names each candidate, asking for each person once.
func identifyFaces(ctx context.Context, c *client.Client, persons client.Persons, req client.IdentifyRequest, faces []client.DetectedFace) ([]identifiedFace, error) {
	out := make([]identifiedFace, 0, len(faces))
	names := map[string]string{}
	nameOf := func(personID string) (string, error) {
		if name, seen := names[personID]; seen {
			return name, nil
		}
		p, err := persons.Get(ctx, personID)
		if err != nil {
			return "", err
		}
		names[personID] = p.Name
		return p.Name, nil
	}
	for batch := range slices.Chunk(faces, maxIdentifyFaces) {
		req.FaceIDs = req.FaceIDs[:0]
		for _, f := range batch {
			req.FaceIDs = append(req.FaceIDs, f.FaceID)
		}
		results, err := c.Identify(ctx, req)
		if err != nil {
			return nil, err
		}
		for i, r := range results {
			face := identifiedFace{FaceID: r.FaceID, Candidates: []identifyCandidate{}}
			if i < len(batch) {
				face.FaceRectangle = batch[i].FaceRectangle
			}
			for _, cand := range r.Candidates {
				name, err := nameOf(cand.PersonID)
				if err != nil {
					return nil, err
				}
				face.Candidates = append(face.Candidates, identifyCandidate{cand.PersonID, name, cand.Confidence})
			}
			out = append(out, face)
		}
	}
	return out, nil
}

func (m *Main) faceVerifyCommand(o *apiOptions) *cobra.Command {
	var typ, group, person, model string
	cmd := &cobra.Command{
		Use:   "verify IMAGE|FACE_ID [IMAGE|FACE_ID]",
		Short: "Tell whether two faces, or a face and a person (--group, --person), are of one person",
		Long: `Tell whether two faces are of one person, or with --group and --person
whether a face is of that person. Each face is a faceId from facesnap detect,
or an image file holding exactly one face.`,
		Args: args(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			c, err := m.client(o)
			if err != nil {
				return err
			}
			var res client.VerifyResult
			switch {
			case len(a) == 2 && person == "" && group == "":
				ids, err := facesOf(ctx, c, a, client.RecognitionModel(model))
				if err != nil {
					return err
				}
				if res, err = c.VerifyFaceToFace(ctx, client.VerifyFaceToFaceRequest{FaceID1: ids[0], FaceID2: ids[1]}); err != nil {
					return err
				}
			case len(a) == 1 && person != "" && group != "":
				t, err := parseType(typ)
				if err != nil {
					return err
				}
				if _, err := needPersons(c, t, group); err != nil {
					return err
				}
				gm, err := collectionModel(ctx, c, t, group)
				if err != nil {
					return err
				}
				id, err := oneFace(ctx, c, a[0], gm)
				if err != nil {
					return err
				}
				req := client.VerifyFaceToPersonRequest{FaceID: id, PersonID: person}
				req.PersonGroupID, req.LargePersonGroupID = idFields(t == client.SnapshotPersonGroup, group)
				if res, err = c.VerifyFaceToPerson(ctx, req); err != nil {
					return err
				}
			default:
				return usageErrorf("face verify takes two faces, or one face with --group and --person")
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, res)
			}
			fmt.Fprintf(m.Stdout, "identical:  %t\nconfidence: %.3f\n", res.IsIdentical, res.Confidence)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "PersonGroup", "group type: PersonGroup or LargePersonGroup")
	f.StringVar(&group, "group", "", "id of the person's group")
	f.StringVar(&person, "person", "", "id of the person")
	f.StringVar(&model, "recognition-model", "", "model to detect image files with, for two faces (default: the server's)")
	return cmd
}

// facesOf turns each argument into a faceId (see oneFace).
func facesOf(ctx context.Context, c *client.Client, a []string, model client.RecognitionModel) ([]string, error) {
	ids := make([]string, len(a))
	for i, arg := range a {
		id, err := oneFace(ctx, c, arg, model)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

func (m *Main) faceFindSimilarCommand(o *apiOptions) *cobra.Command {
	var (
		typ, group, mode string
		max              int
	)
	cmd := &cobra.Command{
		Use:   "find-similar --group LIST IMAGE|FACE_ID",
		Short: "Find the faces of a face list most like a face",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			t, err := parseType(typ)
			if err != nil {
				return err
			}
			if t != client.SnapshotFaceList && t != client.SnapshotLargeFaceList {
				return usageErrorf("--type %s: find-similar searches a FaceList or LargeFaceList (identify searches person groups)", t)
			}
			if group == "" {
				return usageErrorf("face find-similar needs --group")
			}
			if mode != string(client.MatchPerson) && mode != string(client.MatchFace) {
				return usageErrorf("--mode %q: want matchPerson or matchFace", mode)
			}
			c, err := m.client(o)
			if err != nil {
				return err
			}
			model, err := collectionModel(ctx, c, t, group)
			if err != nil {
				return err
			}
			id, err := oneFace(ctx, c, a[0], model)
			if err != nil {
				return err
			}
			req := client.FindSimilarRequest{FaceID: id, MaxNumOfCandidatesReturned: max, Mode: client.FindSimilarMatchMode(mode)}
			req.FaceListID, req.LargeFaceListID = idFields(t == client.SnapshotFaceList, group)
			similar, err := c.FindSimilar(ctx, req)
			if err != nil {
				return err
			}
			if similar == nil {
				similar = []client.SimilarFace{}
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, similar)
			}
			tw := newTable(m.Stdout, "PERSISTED FACE ID\tCONFIDENCE")
			for _, s := range similar {
				fmt.Fprintf(tw, "%s\t%.3f\n", s.PersistedFaceID, s.Confidence)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "LargeFaceList", "list type: FaceList or LargeFaceList")
	f.StringVar(&group, "group", "", "id of the face list")
	f.StringVar(&mode, "mode", string(client.MatchPerson), "matchPerson (only faces likely of the same person) or matchFace (a ranking)")
	f.IntVar(&max, "max-candidates", 0, "faces to return, 1 to 1000 (default: the server's, 20)")
	return cmd
}

// groupedFace names a face of face group's answer by where it was found.
type groupedFace struct {
	FaceID        string           `json:"faceId"`
	File          string           `json:"file"`
	FaceRectangle client.Rectangle `json:"faceRectangle"`
}

type groupResult struct {
	Groups     [][]groupedFace `json:"groups"`
	MessyGroup []groupedFace   `json:"messyGroup"`
}

func (m *Main) faceGroupCommand(o *apiOptions) *cobra.Command {
	var model string
	cmd := &cobra.Command{
		Use:   "group IMAGE...",
		Short: "Detect every face of the images and group them by similarity",
		Args:  args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			c, err := m.client(o)
			if err != nil {
				return err
			}
			found := map[string]groupedFace{}
			var ids []string
			for _, file := range a {
				faces, err := detectFile(ctx, c, file, client.DetectOptions{RecognitionModel: client.RecognitionModel(model)})
				if err != nil {
					return err
				}
				for _, f := range faces {
					found[f.FaceID] = groupedFace{f.FaceID, file, f.FaceRectangle}
					ids = append(ids, f.FaceID)
				}
			}
			if len(ids) < 2 {
				return failedf("%d faces found in %d images: grouping needs at least 2", len(ids), len(a))
			}
			res, err := c.Group(ctx, client.GroupRequest{FaceIDs: ids})
			if err != nil {
				return err
			}
			out := groupResult{Groups: [][]groupedFace{}, MessyGroup: []groupedFace{}}
			for _, g := range res.Groups {
				faces := make([]groupedFace, len(g))
				for i, id := range g {
					faces[i] = found[id]
				}
				out.Groups = append(out.Groups, faces)
			}
			for _, id := range res.MessyGroup {
				out.MessyGroup = append(out.MessyGroup, found[id])
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, out)
			}
			tw := newTable(m.Stdout, "GROUP\tFACE ID\tFILE\tRECTANGLE")
			for i, g := range out.Groups {
				for _, f := range g {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, f.FaceID, f.File, rectString(f.FaceRectangle))
				}
			}
			for _, f := range out.MessyGroup {
				fmt.Fprintf(tw, "messy\t%s\t%s\t%s\n", f.FaceID, f.File, rectString(f.FaceRectangle))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&model, "recognition-model", "", "recognition_01 to recognition_04 (default: the server's)")
	return cmd
}
