package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"facesnap"
	"facesnap/blob/sealed"
)

// envStoreKeys holds the snapshot store's keys when no --store-key-file
// is given.
const envStoreKeys = "FACESNAP_STORE_KEYS"

// storeKeyOptions are the flags that say how the snapshot store is sealed.
type storeKeyOptions struct {
	keyFile        string
	allowPlaintext bool
}

func addStoreKeyFlags(f *pflag.FlagSet, o *storeKeyOptions) {
	f.StringVar(&o.keyFile, "store-key-file", "", "file of the snapshot store's keys, base64 of 32 bytes each, one a line, the current first (default: "+envStoreKeys+", comma-separated); deployments sharing a store share its keys")
	f.BoolVar(&o.allowPlaintext, "store-allow-plaintext", false, "with a store key, still read snapshots written before the store had one (until facesnap store rotate-key has sealed them)")
}

// storeKeys reads the keys from the file, or else the environment; nil
// when neither gives any.
func (m *Main) storeKeys(o storeKeyOptions) (*sealed.Keyring, error) {
	text := m.Getenv(envStoreKeys)
	from := envStoreKeys
	if o.keyFile != "" {
		b, err := os.ReadFile(o.keyFile)
		if err != nil {
			return nil, usageErrorf("--store-key-file: %v", err)
		}
		text, from = string(b), "--store-key-file"
	}
	if strings.TrimSpace(text) == "" {
		if o.keyFile != "" {
			return nil, usageErrorf("--store-key-file %s: no key in it", o.keyFile)
		}
		return nil, nil
	}
	kr, err := sealed.ParseKeys(text)
	if err != nil {
		return nil, usageErrorf("%s: %v", from, err)
	}
	return kr, nil
}

// openSnapshotStore opens the store spec names, sealed when a key is set.
// Without one it warns: the store then holds descriptors in clear, and
// whoever can write it can forge a snapshot's owner and scope.
func (m *Main) openSnapshotStore(ctx context.Context, spec string, o storeKeyOptions, log *slog.Logger) (facesnap.BlobStore, error) {
	kr, err := m.storeKeys(o)
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobStore(ctx, spec)
	if err != nil {
		return nil, err
	}
	if kr == nil {
		log.Warn("snapshot store has no key: snapshots are stored in clear and whoever can write the store can forge them; set --store-key-file or " + envStoreKeys)
		return blobs, nil
	}
	log.Info("snapshot store sealed", "key", kr.Current().ID())
	return &sealed.Store{Inner: blobs, Keys: kr, AllowPlaintext: o.allowPlaintext}, nil
}

func (m *Main) storeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Maintain the snapshot store deployments share",
		Args:  args(cobra.NoArgs),
	}
	var (
		spec string
		keys storeKeyOptions
	)
	rotate := &cobra.Command{
		Use:   "rotate-key",
		Short: "Seal every snapshot in the store under the current store key",
		Long: `Seal every snapshot in the store under the current store key (the first
of --store-key-file or ` + envStoreKeys + `): those sealed under the previous key
(the second) and those written before the store had a key. Snapshots
already under the current key are left alone, so it can be run again, or
after it was stopped, to finish. A blob that fails authentication is
listed and left as it is; the command then exits non-zero.

Rotate with both keys given to every deployment (current first), run
rotate-key, then drop the previous key.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := m.storeKeys(keys)
			if err != nil {
				return err
			}
			if kr == nil {
				return usageErrorf("rotate-key needs a key: --store-key-file or %s", envStoreKeys)
			}
			inner, err := openBlobStore(cmd.Context(), spec)
			if err != nil {
				return err
			}
			s := &sealed.Store{Inner: inner, Keys: kr}
			st, err := s.Rotate(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "sealed %d blobs under key %s; %d already were\n", st.Rewritten, kr.Current().ID(), st.Current)
			if len(st.Refused) > 0 {
				for _, k := range st.Refused {
					fmt.Fprintf(m.Stdout, "refused (fails authentication): %s\n", k)
				}
				return errors.New("some blobs fail authentication and were left as they are")
			}
			return nil
		},
	}
	f := rotate.Flags()
	f.StringVar(&spec, "snapshot-store", filepath.Join(defaultDataDir, "snapshots"), "the snapshot store: a directory or an s3:// URL, as serve's --snapshot-store")
	f.StringVar(&keys.keyFile, "store-key-file", "", "file of the store's keys, the current first (default: "+envStoreKeys+")")
	cmd.AddCommand(rotate)
	return cmd
}
