package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"facesnap/client"
)

// Copy a person group from one account to another: take a snapshot, wait,
// apply it in the target account, wait, and delete the snapshot.
func Example_migrate() {
	ctx := context.Background()
	src := client.New("http://127.0.0.1:8080", "SOURCE-KEY")
	dst := client.New("http://127.0.0.1:8081", "TARGET-KEY")
	show := func(st client.OperationStatus) {
		if p := st.Progress; p != nil {
			fmt.Printf("%s %d/%d\n", st.Status, p.Done, p.Total)
		}
	}

	opID, err := src.TakeSnapshot(ctx, client.TakeSnapshotRequest{
		Type:       client.SnapshotPersonGroup,
		ObjectID:   "employees",
		ApplyScope: []string{"22222222-2222-2222-2222-222222222222"}, // target subscription
	})
	if err != nil {
		log.Fatal(err)
	}
	st, err := src.WaitOperation(ctx, opID, client.WaitOptions{Progress: show})
	if err != nil {
		log.Fatal(err) // an *client.OperationFailedError carries the server's reason
	}
	snapshotID, err := client.SnapshotIDFromLocation(st.ResourceLocation)
	if err != nil {
		log.Fatal(err)
	}
	defer src.DeleteSnapshot(ctx, snapshotID)

	opID, err = dst.ApplySnapshot(ctx, snapshotID, client.ApplySnapshotRequest{ObjectID: "employees"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := dst.WaitOperation(ctx, opID, client.WaitOptions{Progress: show}); err != nil {
		var failed *client.OperationFailedError
		if errors.As(err, &failed) {
			log.Fatalf("apply failed: %s", failed.Message)
		}
		log.Fatal(err)
	}
	persons, err := dst.PersonGroups().Persons("employees").List(ctx, client.PageOptions{Top: 1000})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(persons), "persons copied")
}

// API errors are *client.Error values.
func ExampleError() {
	c := client.New("http://127.0.0.1:8080", "KEY")
	_, err := c.PersonGroups().Get(context.Background(), "missing", client.GetOptions{})
	var apiErr *client.Error
	if errors.As(err, &apiErr) && apiErr.Code == "PersonGroupNotFound" {
		fmt.Println("no such group; request", apiErr.RequestID)
	}
}
