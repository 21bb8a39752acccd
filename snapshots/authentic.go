package snapshots

import "errors"

// unauthentic tells whether err is a blob that failed authentication
// against the deployment's store key (blob/sealed): tampered with, or
// sealed with a key this deployment does not hold. Such a snapshot is
// refused, never read.
func unauthentic(err error) bool {
	var u interface{ Unauthentic() bool }
	return errors.As(err, &u) && u.Unauthentic()
}
