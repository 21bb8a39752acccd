package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"facesnap/client"
)

type detectOptions struct {
	attributes       string
	landmarks        bool
	recognitionModel string
	detectionModel   string
	ttl              int
}

func (m *Main) detectCommand() *cobra.Command {
	o := &apiOptions{}
	var do detectOptions
	cmd := &cobra.Command{
		Use:   "detect IMAGE",
		Short: "Detect the faces of an image: their faceIds and rectangles",
		Long: `Detect the faces of an image, largest first, and print each one's faceId
and rectangle. The rectangle (left,top,width,height) is what face add
--target-face takes, to add one face of a photo of several; the faceId is
what face identify, verify, find-similar and group take instead of an image,
for as long as --ttl says (default: 24 hours).`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			opts := client.DetectOptions{
				ReturnFaceLandmarks: do.landmarks, RecognitionModel: client.RecognitionModel(do.recognitionModel),
				DetectionModel: client.DetectionModel(do.detectionModel), ReturnRecognitionModel: true, FaceIDTimeToLive: do.ttl,
			}
			for _, attr := range splitList(do.attributes) {
				opts.ReturnFaceAttributes = append(opts.ReturnFaceAttributes, client.FaceAttributeType(attr))
			}
			faces, err := detectFile(cmd.Context(), c, a[0], opts)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, faces)
			}
			return printFaces(m.Stdout, faces)
		},
	}
	m.addAPIFlags(cmd, o)
	f := cmd.Flags()
	f.StringVar(&do.attributes, "attributes", "", "face attributes to return, comma-separated: headPose, blur, exposure, noise, qualityForRecognition (with --recognition-model recognition_03 or recognition_04); see the README's Face attributes")
	f.BoolVar(&do.landmarks, "landmarks", false, "return the 27 face landmarks (in JSON output)")
	f.StringVar(&do.recognitionModel, "recognition-model", "", "recognition_01 to recognition_04: the model of the collections the faceIds will be searched in (default: the server's)")
	f.StringVar(&do.detectionModel, "detection-model", "", "detection_01 to detection_03 (default: the server's)")
	f.IntVar(&do.ttl, "ttl", 0, "seconds the faceIds stay usable, 60 to 86400 (default: 24 hours)")
	return cmd
}

// detectFile detects the faces of an image file.
func detectFile(ctx context.Context, c *client.Client, path string, opts client.DetectOptions) ([]client.DetectedFace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	faces, err := c.Detect(ctx, f, opts)
	if err != nil {
		return nil, fmt.Errorf("detect %s: %w", path, err)
	}
	return faces, nil
}

func printFaces(w io.Writer, faces []client.DetectedFace) error {
	tw := newTable(w, "FACE ID\tRECTANGLE (left,top,width,height)\tATTRIBUTES")
	for _, f := range faces {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", orDash(f.FaceID), rectString(f.FaceRectangle), attributesString(f.FaceAttributes))
	}
	return tw.Flush()
}

// rectString writes a rectangle as --target-face reads it.
func rectString(r client.Rectangle) string {
	return fmt.Sprintf("%d,%d,%d,%d", r.Left, r.Top, r.Width, r.Height)
}

// attributesString is a one-line summary of what a server returned.
func attributesString(a *client.FaceAttributes) string {
	if a == nil {
		return "-"
	}
	var parts []string
	if a.QualityForRecognition != "" {
		parts = append(parts, "quality="+a.QualityForRecognition)
	}
	if p := a.HeadPose; p != nil {
		parts = append(parts, fmt.Sprintf("headPose=%g/%g/%g", p.Pitch, p.Roll, p.Yaw))
	}
	if b := a.Blur; b != nil {
		parts = append(parts, "blur="+b.BlurLevel)
	}
	if e := a.Exposure; e != nil {
		parts = append(parts, "exposure="+e.ExposureLevel)
	}
	if n := a.Noise; n != nil {
		parts = append(parts, "noise="+n.NoiseLevel)
	}
	if len(parts) == 0 {
		return "(see -o json)"
	}
	return strings.Join(parts, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// faceIDPattern is a faceId as detect prints it.
var faceIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// oneFace turns an argument into a faceId: a faceId as it is, or the one
// face of an image file, detected with model (so that it can be compared
// with a collection of that model).
func oneFace(ctx context.Context, c *client.Client, arg string, model client.RecognitionModel) (string, error) {
	if _, err := os.Stat(arg); err != nil && faceIDPattern.MatchString(arg) {
		return strings.ToLower(arg), nil
	}
	faces, err := detectFile(ctx, c, arg, client.DetectOptions{RecognitionModel: model})
	if err != nil {
		return "", err
	}
	if len(faces) != 1 {
		return "", failedf("%s holds %d faces, want 1: pick one with facesnap detect %s and pass its faceId", arg, len(faces), arg)
	}
	return faces[0].FaceID, nil
}
