package facesnap

import (
	"slices"
	"time"
)

// Snapshot is the metadata of a snapshot: a point-in-time copy of one
// collection, kept in the central snapshot store that several deployments
// ("regions") share.
type Snapshot struct {
	ID             string    `json:"id"`      // uuid
	Account        string    `json:"account"` // Account.Path of the source
	SubscriptionID string    `json:"subscriptionId"`
	Type           Kind      `json:"type"`
	ObjectID       string    `json:"objectId"` // the source collection's id
	ApplyScope     []string  `json:"applyScope"`
	UserData       string    `json:"userData,omitempty"`
	CreatedAt      time.Time `json:"createdTime"`
	LastUpdateAt   time.Time `json:"lastUpdateTime"`
	ExpiresAt      time.Time `json:"expiresTime"`

	// What the data blob holds, for progress and verification.
	Persons int64  `json:"persons"`
	Faces   int64  `json:"faces"`
	Size    int64  `json:"size"`   // bytes of the data blob
	SHA256  string `json:"sha256"` // hex digest of the data blob
}

// VisibleTo reports whether the account may read the snapshot: the source
// account, and every account whose subscription is in the apply scope.
func (s *Snapshot) VisibleTo(a Account) bool {
	return s.OwnedBy(a) || s.InScope(a)
}

// OwnedBy reports whether a took the snapshot: only it may update or delete.
func (s *Snapshot) OwnedBy(a Account) bool { return s.Account == a.Path() }

// InScope reports whether a may apply the snapshot.
func (s *Snapshot) InScope(a Account) bool {
	return slices.Contains(s.ApplyScope, a.SubscriptionID)
}
