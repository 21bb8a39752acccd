package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"facesnap/accounts"
)

func (m *Main) accountCommand() *cobra.Command {
	var dataDir, dbURL string
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Manage the accounts whose keys the server accepts",
		RunE:  groupRunE,
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data directory")
	cmd.PersistentFlags().StringVar(&dbURL, "db", "", dbUsage)

	var add accounts.AddParams
	addCmd := &cobra.Command{
		Use:   "add",
		Short: "Create an account and print its key (shown only once)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openStore(cmd.Context(), dbURL, dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			svc := &accounts.Service{Store: db}
			a, key, err := svc.Add(cmd.Context(), add)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "account:      %s\nsubscription: %s\npath:         %s\nkey:          %s\n",
				a.Name, a.SubscriptionID, a.Path(), key)
			fmt.Fprintln(m.Stdout, "Keep the key: it is stored hashed and cannot be shown again.")
			return nil
		},
	}
	addCmd.Flags().StringVar(&add.Name, "name", "", "account name (default: derived from the subscription)")
	addCmd.Flags().StringVar(&add.SubscriptionID, "subscription", "", "subscription id, a UUID (default: random)")
	addCmd.Flags().StringVar(&add.Key, "key", "", "the key to accept (default: 32 random hex characters)")

	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the accounts",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openStore(cmd.Context(), dbURL, dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := (&accounts.Service{Store: db}).List(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSUBSCRIPTION\tRESOURCE GROUP")
			for _, a := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, a.SubscriptionID, a.ResourceGroup)
			}
			return tw.Flush()
		},
	}

	removeCmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an account, its keys and everything it owns",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openStore(cmd.Context(), dbURL, dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := (&accounts.Service{Store: db}).Remove(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "removed account %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(addCmd, listCmd, removeCmd)
	return cmd
}
