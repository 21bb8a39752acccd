package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"facesnap/client"
	"facesnap/snapfile"
)

// fileSummary is what export prints about the file it wrote.
type fileSummary struct {
	File       string `json:"file"`
	SnapshotID string `json:"snapshotId,omitempty"`
	Persons    int64  `json:"persons"`
	Faces      int64  `json:"faces"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
}

func (m *Main) snapshotExportCommand(o *apiOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "export SNAPSHOT_ID FILE",
		Short: "Download a snapshot as a portable, checksummed file",
		Long: `Download a snapshot as a portable, checksummed file for offline backup.

The download goes to FILE.tmp and is verified before it is renamed to FILE,
so that an interrupted or damaged download never looks complete.`,
		Args: args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			sum, err := exportSnapshot(cmd, c, a[0], a[1])
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, sum)
			}
			fmt.Fprintf(m.Stdout, "wrote %s: %d persons, %d faces, %d bytes, sha256 %s\n",
				sum.File, sum.Persons, sum.Faces, sum.Size, sum.SHA256)
			return nil
		},
	}
}

// exportSnapshot downloads into a temporary file beside path and renames
// it only once it verified whole; on any failure nothing is left behind.
func exportSnapshot(cmd *cobra.Command, c *client.Client, snapshotID, path string) (_ fileSummary, err error) {
	// A name of its own, so that two exports to one path cannot write
	// into each other's download.
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fileSummary{}, err
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := c.ExportSnapshot(cmd.Context(), snapshotID, f); err != nil {
		return fileSummary{}, err
	}
	if err := f.Sync(); err != nil {
		return fileSummary{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fileSummary{}, err
	}
	_, sum, err := snapfile.Verify(f)
	if err != nil {
		return fileSummary{}, fmt.Errorf("the downloaded snapshot %s does not verify, so %s was not written: %w", snapshotID, path, err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return fileSummary{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fileSummary{}, err
	}
	return fileSummary{File: path, SnapshotID: snapshotID, Persons: sum.Persons, Faces: sum.Faces, Size: sum.Size, SHA256: sum.SHA256}, nil
}

// verifyFile checks the snapshot file f, named path, locally and
// explains a refusal in terms of the file. It leaves f at its start, so
// that what was checked is what is uploaded.
func verifyFile(f *os.File, path string) error {
	_, _, err := snapfile.Verify(f)
	switch {
	case errors.Is(err, snapfile.ErrVersion):
		return fmt.Errorf("%s was written by a newer facesnap; upgrade to read it: %w", path, err)
	case errors.Is(err, snapfile.ErrCorrupt):
		return fmt.Errorf("%s is damaged (truncated, edited or not a snapshot file), refusing to upload it: %w", path, err)
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

func (m *Main) snapshotImportCommand(o *apiOptions) *cobra.Command {
	var scope, userData string
	cmd := &cobra.Command{
		Use:   "import FILE [--apply-scope SUBSCRIPTION[,...]]",
		Short: "Upload an exported snapshot file as a new snapshot, ready to apply",
		Long: `Upload an exported snapshot file as a new snapshot, ready to apply.

The file is verified locally first: a damaged file is refused before anything
is uploaded. Without --apply-scope only this account may apply the snapshot.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			f, err := os.Open(a[0])
			if err != nil {
				return err
			}
			defer f.Close()
			if err := verifyFile(f, a[0]); err != nil {
				return err
			}
			s, err := c.ImportSnapshot(cmd.Context(), f, client.ImportSnapshotRequest{ApplyScope: splitList(scope), UserData: userData})
			if err != nil {
				return err
			}
			return m.printSnapshot(o, s)
		},
	}
	cmd.Flags().StringVar(&scope, "apply-scope", "", "comma-separated subscription ids (UUIDs) that may apply it (default: this account's)")
	cmd.Flags().StringVar(&userData, "user-data", "", "user data to keep with the snapshot")
	return cmd
}
