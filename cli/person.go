package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"facesnap/client"
)

func (m *Main) personCommand() *cobra.Command {
	o := &apiOptions{}
	cmd := &cobra.Command{
		Use:   "person",
		Short: "Add and list the persons of person groups",
		RunE:  groupRunE,
	}
	m.addAPIFlags(cmd, o)

	var typ, group string
	var body client.NameAndUserDataContract
	add := &cobra.Command{
		Use:   "add --group ID --name NAME",
		Short: "Create a person in a person group and print its id",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, c, err := m.typedClient(o, typ, missingFlags(group == "" || body.Name == "", "person add needs --group and --name"))
			if err != nil {
				return err
			}
			persons, err := needPersons(c, t, group)
			if err != nil {
				return err
			}
			p, err := persons.Create(cmd.Context(), body)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, p)
			}
			fmt.Fprintln(m.Stdout, p.PersonID)
			return nil
		},
	}
	f := add.Flags()
	f.StringVar(&typ, "type", "PersonGroup", "group type: PersonGroup or LargePersonGroup")
	f.StringVar(&group, "group", "", "id of the group")
	f.StringVar(&body.Name, "name", "", "the person's name")
	f.StringVar(&body.UserData, "user-data", "", "user data")
	cmd.AddCommand(add, m.personListCommand(o))
	return cmd
}
