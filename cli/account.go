package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"facesnap/accounts"
)

// envKeySecret keys the hash that subscription keys are stored as
// (accounts.Service.Secret). Every process on one database needs the same.
const envKeySecret = "FACESNAP_KEY_SECRET"

// keySecret reads FACESNAP_KEY_SECRET; unset means plain SHA-256.
func (m *Main) keySecret() ([]byte, error) {
	s := m.Getenv(envKeySecret)
	if s == "" {
		return nil, nil
	}
	if len(s) < accounts.MinSecretLength {
		return nil, fmt.Errorf("%s has %d characters: it needs at least %d", envKeySecret, len(s), accounts.MinSecretLength)
	}
	return []byte(s), nil
}

func (m *Main) accountCommand() *cobra.Command {
	var dataDir, dbURL string
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Manage the accounts whose keys the server accepts",
		RunE:  groupRunE,
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data directory")
	cmd.PersistentFlags().StringVar(&dbURL, "db", "", dbUsage)

	// withService runs fn on the accounts of the store the flags name.
	withService := func(ctx context.Context, fn func(*accounts.Service) error) error {
		secret, err := m.keySecret()
		if err != nil {
			return err
		}
		db, err := openStore(ctx, dbURL, dataDir)
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(&accounts.Service{Store: db, Secret: secret})
	}

	var add accounts.AddParams
	addCmd := &cobra.Command{
		Use:   "add",
		Short: "Create an account and print its key (shown only once)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				a, key, err := svc.Add(cmd.Context(), add)
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "account:      %s\nsubscription: %s\npath:         %s\nkey:          %s\n",
					a.Name, a.SubscriptionID, a.Path(), key)
				fmt.Fprintln(m.Stdout, "Keep the key: it is stored hashed and cannot be shown again.")
				return nil
			})
		},
	}
	addCmd.Flags().StringVar(&add.Name, "name", "", "account name (default: derived from the subscription)")
	addCmd.Flags().StringVar(&add.SubscriptionID, "subscription", "", "subscription id, a UUID (default: random)")
	addCmd.Flags().StringVar(&add.Key, "key", "", "the key to accept, at least 32 characters (default: 32 random hex characters)")

	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the accounts",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				list, err := svc.List(cmd.Context())
				if err != nil {
					return err
				}
				tw := newTable(m.Stdout, "NAME\tSUBSCRIPTION\tRESOURCE GROUP")
				for _, a := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, a.SubscriptionID, a.ResourceGroup)
				}
				return tw.Flush()
			})
		},
	}

	removeCmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an account, its keys and everything it owns",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				if err := svc.Remove(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "removed account %s\n", args[0])
				return nil
			})
		},
	}
	cmd.AddCommand(addCmd, listCmd, removeCmd, m.accountKeyCommand(withService))
	return cmd
}

// accountKeyCommand changes one key of an account, never its data. Keys
// are named by the id that list shows, or given themselves.
func (m *Main) accountKeyCommand(withService func(context.Context, func(*accounts.Service) error) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Add, list, remove or rotate one key of an account",
		RunE:  groupRunE,
	}
	var key string
	addCmd := &cobra.Command{
		Use:   "add ACCOUNT",
		Short: "Give the account one more key and print it (shown only once)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				k, err := svc.KeyAdd(cmd.Context(), a[0], key)
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "key: %s\nKeep the key: it is stored hashed and cannot be shown again.\n", k)
				return nil
			})
		},
	}
	addCmd.Flags().StringVar(&key, "key", "", "the key to accept, at least 32 characters (default: 32 random hex characters)")
	listCmd := &cobra.Command{
		Use:   "list ACCOUNT",
		Short: "List the account's keys by id (the keys themselves are not stored)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				keys, err := svc.KeyList(cmd.Context(), a[0])
				if err != nil {
					return err
				}
				tw := newTable(m.Stdout, "ID\tSOURCE")
				for _, k := range keys {
					source := "added"
					if k.Managed {
						source = "FACESNAP_ACCOUNTS"
					}
					fmt.Fprintf(tw, "%s\t%s\n", k.ID, source)
				}
				return tw.Flush()
			})
		},
	}
	removeCmd := &cobra.Command{
		Use:   "remove ACCOUNT ID|KEY",
		Short: "Remove one key; the account and its data stay",
		Args:  args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				if err := svc.KeyRemove(cmd.Context(), a[0], a[1]); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "removed a key of %s\n", a[0])
				return nil
			})
		},
	}
	rotateCmd := &cobra.Command{
		Use:   "rotate ACCOUNT ID|KEY",
		Short: "Replace one key with a new one, printed once",
		Args:  args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withService(cmd.Context(), func(svc *accounts.Service) error {
				k, err := svc.KeyRotate(cmd.Context(), a[0], a[1])
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "key: %s\nThe old key no longer works. Keep the new one: it cannot be shown again.\n", k)
				return nil
			})
		},
	}
	cmd.AddCommand(addCmd, listCmd, removeCmd, rotateCmd)
	return cmd
}
