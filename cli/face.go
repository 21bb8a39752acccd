package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"facesnap/client"
)

type faceAddOptions struct {
	typ, group, person string
	targetFace         string
	userData           string
	detectionModel     string
}

// faceAdded and faceSkipped are the lines of a bulk add's report.
type faceAdded struct {
	File            string `json:"file"`
	PersistedFaceID string `json:"persistedFaceId"`
}

type faceSkipped struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

type faceAddResult struct {
	Added   []faceAdded   `json:"added"`
	Skipped []faceSkipped `json:"skipped"`
	// Error is why the add stopped before the last image, if it did.
	Error string `json:"error,omitempty"`
}

func (m *Main) faceCommand() *cobra.Command {
	o := &apiOptions{}
	cmd := &cobra.Command{
		Use:   "face",
		Short: "Add, list, identify, verify, find similar and group faces",
		RunE:  groupRunE,
	}
	m.addAPIFlags(cmd, o)

	var fo faceAddOptions
	add := &cobra.Command{
		Use:   "add --group ID [--person PERSON_ID] FILE|DIR",
		Short: "Add the face of an image, or of every image in a folder",
		Long: `Add the face of an image, or of every image (.jpg, .jpeg, .png, .gif, .bmp)
in a folder. In a folder, images the server refuses are skipped and listed at
the end; the command then exits 1. Any other error stops it.

Without --target-face the server detects the face, and the image must hold
exactly one; a server started without the face engine's weights needs
--target-face to say where the face is.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return m.addFaces(cmd.Context(), o, fo, a[0])
		},
	}
	f := add.Flags()
	f.StringVar(&fo.typ, "type", "PersonGroup", "collection type: PersonGroup, LargePersonGroup, FaceList or LargeFaceList")
	f.StringVar(&fo.group, "group", "", "id of the collection")
	f.StringVar(&fo.person, "person", "", "id of the person (person groups only)")
	f.StringVar(&fo.targetFace, "target-face", "", "the face's rectangle in pixels: left,top,width,height")
	f.StringVar(&fo.userData, "user-data", "", "user data for each face")
	f.StringVar(&fo.detectionModel, "detection-model", "", "detection_01 to detection_03 (default: the server's)")
	cmd.AddCommand(add, m.faceListCommand(o), m.faceIdentifyCommand(o), m.faceVerifyCommand(o), m.faceFindSimilarCommand(o), m.faceGroupCommand(o))
	return cmd
}

type addFunc func(context.Context, io.Reader, client.AddFaceOptions) (client.PersistedFace, error)

// faceAdder picks the add call of the collection type, checking that a
// person is named exactly when the type has persons.
func faceAdder(c *client.Client, fo faceAddOptions) (addFunc, error) {
	t, err := parseType(fo.typ)
	if err != nil {
		return nil, err
	}
	if fo.group == "" {
		return nil, usageErrorf("face add needs --group")
	}
	persons, hasPersons := personsOf(c, t, fo.group)
	switch {
	case hasPersons && fo.person == "":
		return nil, usageErrorf("face add to a %s needs --person", t)
	case !hasPersons && fo.person != "":
		return nil, usageErrorf("a %s has no persons: drop --person", t)
	case hasPersons:
		return persons.Faces(fo.person).Add, nil
	}
	switch t {
	case client.SnapshotFaceList:
		return c.FaceLists().Faces(fo.group).Add, nil
	default:
		return c.LargeFaceLists().Faces(fo.group).Add, nil
	}
}

func parseRect(s string) (*client.FaceRectangle, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	var v [4]int
	if len(parts) != 4 {
		return nil, usageErrorf("--target-face %q: want left,top,width,height", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, usageErrorf("--target-face %q: want four non-negative integers left,top,width,height", s)
		}
		v[i] = n
	}
	return &client.FaceRectangle{Left: v[0], Top: v[1], Width: v[2], Height: v[3]}, nil
}

func (m *Main) addFaces(ctx context.Context, o *apiOptions, fo faceAddOptions, path string) error {
	rect, err := parseRect(fo.targetFace)
	if err != nil {
		return err
	}
	c, err := m.client(o)
	if err != nil {
		return err
	}
	add, err := faceAdder(c, fo)
	if err != nil {
		return err
	}
	opts := client.AddFaceOptions{UserData: fo.userData, TargetFace: rect, DetectionModel: client.DetectionModel(fo.detectionModel)}
	addFile := func(file string) (client.PersistedFace, error) {
		f, err := os.Open(file)
		if err != nil {
			return client.PersistedFace{}, err
		}
		defer f.Close()
		return add(ctx, f, opts)
	}

	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		face, err := addFile(path)
		if err != nil {
			return fmt.Errorf("add %s: %w", path, err)
		}
		if o.output == "json" {
			return writeJSON(m.Stdout, faceAdded{File: path, PersistedFaceID: face.PersistedFaceID})
		}
		fmt.Fprintln(m.Stdout, face.PersistedFaceID)
		return nil
	}

	files, err := imagesIn(path)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return failedf("no images in %s (JPEG, PNG, GIF or BMP files)", path)
	}
	res := faceAddResult{Added: []faceAdded{}, Skipped: []faceSkipped{}}
	bar := newItemProgress(m.Stderr, len(files), "adding faces")
	var stop error
	for _, file := range files {
		face, err := addFile(file)
		if err != nil {
			if !skippable(err) {
				stop = fmt.Errorf("add %s: %w", file, err)
				res.Error = stop.Error()
				break
			}
			res.Skipped = append(res.Skipped, faceSkipped{File: file, Error: err.Error()})
			bar.step("skipped "+file+": "+err.Error(), true)
			continue
		}
		res.Added = append(res.Added, faceAdded{File: file, PersistedFaceID: face.PersistedFaceID})
		bar.step("added "+file+": "+face.PersistedFaceID, false)
	}
	bar.finish()

	// What was added is reported even when the add stopped early, so that
	// a script knows the faces it now has.
	if o.output == "json" {
		if err := writeJSON(m.Stdout, res); err != nil && stop == nil {
			return err
		}
	} else {
		fmt.Fprintf(m.Stdout, "added %d faces from %s, skipped %d\n", len(res.Added), path, len(res.Skipped))
		for _, s := range res.Skipped {
			fmt.Fprintf(m.Stdout, "  skipped %s: %s\n", s.File, s.Error)
		}
	}
	if stop != nil {
		return stop
	}
	if len(res.Skipped) > 0 {
		return failedf("%d of %d images in %s were not added", len(res.Skipped), len(files), path)
	}
	return nil
}

// skippable reports whether a bulk add goes on after err: the server
// refused that one image (400), or the file could not be read. Anything
// else (a wrong key, a missing group, a full person, the network) would
// fail every image alike.
func skippable(err error) bool {
	var apiErr *client.Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusBadRequest
	}
	var pathErr *os.PathError
	return errors.As(err, &pathErr)
}

// imagesIn lists the image files of dir, sorted, without descending.
func imagesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	// The formats the API takes; anything else in the folder is not an
	// image to add.
	exts := []string{".jpg", ".jpeg", ".png", ".gif", ".bmp"}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !slices.Contains(exts, strings.ToLower(filepath.Ext(name))) {
			continue
		}
		file := filepath.Join(dir, name)
		if e.Type()&os.ModeSymlink != 0 {
			// A link to an image is an image (photo libraries are often
			// folders of links); a broken one is skipped when read.
			if fi, err := os.Stat(file); err == nil && !fi.Mode().IsRegular() {
				continue
			}
		} else if !e.Type().IsRegular() {
			continue
		}
		files = append(files, file)
	}
	return files, nil
}
