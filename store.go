package facesnap

import (
	"context"
	"fmt"
	"time"
)

// Store keeps a deployment's state: accounts, collections, persons, faces,
// training and operations. The sqlite and postgres packages implement it and
// pass the same conformance suite (storetest.Exercise).
//
// Every method that names a collection takes a CollectionRef, whose Account
// scopes it: one account never sees another's objects. Missing objects are
// reported with NotFound(...) errors, duplicates with Exists(...), limits
// with QuotaError. A store never leaves a half-written object behind: each
// method is one transaction.
type Store interface {
	// InTx runs fn in one transaction. The Store passed to fn works inside
	// it; fn's error rolls everything back.
	InTx(ctx context.Context, fn func(Store) error) error
	Close() error

	AccountCreate(ctx context.Context, a Account) error
	AccountGet(ctx context.Context, name string) (Account, error)
	AccountList(ctx context.Context) ([]Account, error)
	// AccountDelete removes the account, its keys and everything it owns.
	AccountDelete(ctx context.Context, name string) error
	// AccountKeyAdd lets a key (stored as its hash) select the account.
	// Adding a key the account has already changes nothing, except that
	// it becomes Managed when p says so.
	AccountKeyAdd(ctx context.Context, p AccountKeyAddParams) error
	// AccountKeyList lists the keys of an account, or of every account
	// when name is "", sorted by account then hash.
	AccountKeyList(ctx context.Context, name string) ([]AccountKey, error)
	// AccountKeyRemove removes one key of the account; NotFound when the
	// account has no such key.
	AccountKeyRemove(ctx context.Context, name string, keyHash []byte) error
	// AccountByKey returns the account a key hash selects.
	AccountByKey(ctx context.Context, keyHash []byte) (Account, error)

	CollectionCreate(ctx context.Context, p CollectionCreateParams) error
	CollectionGet(ctx context.Context, ref CollectionRef) (Collection, error)
	// CollectionList lists an account's collections of one kind, sorted by
	// id, with ids greater than Start, at most Top of them.
	CollectionList(ctx context.Context, p CollectionListParams) ([]Collection, error)
	CollectionUpdate(ctx context.Context, p CollectionUpdateParams) error
	// CollectionDelete removes the collection with its persons, faces and
	// training.
	CollectionDelete(ctx context.Context, ref CollectionRef) error
	// CollectionStats counts what a collection holds.
	CollectionStats(ctx context.Context, ref CollectionRef) (CollectionStats, error)

	PersonCreate(ctx context.Context, p PersonCreateParams) error
	PersonGet(ctx context.Context, ref CollectionRef, personID string) (Person, error)
	// PersonList lists persons sorted by id, ids greater than Start, at
	// most Top, each with its FaceIDs.
	PersonList(ctx context.Context, p PersonListParams) ([]Person, error)
	PersonUpdate(ctx context.Context, p PersonUpdateParams) error
	// PersonDelete removes the person and its faces.
	PersonDelete(ctx context.Context, ref CollectionRef, personID string) error

	// FaceAdd persists a face on a list, or on a person when PersonID is
	// set. The store assigns Face.Seq.
	FaceAdd(ctx context.Context, p FaceAddParams) error
	FaceGet(ctx context.Context, ref CollectionRef, personID, faceID string) (Face, error)
	// FaceList lists a list's faces sorted by id, ids greater than Start,
	// at most Top (Top 0: all of them).
	FaceList(ctx context.Context, p FaceListParams) ([]Face, error)
	FaceUpdate(ctx context.Context, p FaceUpdateParams) error
	FaceDelete(ctx context.Context, ref CollectionRef, personID, faceID string) error
	// FaceExisting returns those of faceIDs that the collection still
	// holds, in any order: what a search found is checked with it, so that
	// a deleted face is never answered.
	FaceExisting(ctx context.Context, ref CollectionRef, faceIDs []string) ([]string, error)

	// TrainingGet inside InTx holds the training until the transaction
	// ends, so that reading it and writing it back is not raced.
	TrainingGet(ctx context.Context, ref CollectionRef) (Training, error)
	TrainingSet(ctx context.Context, ref CollectionRef, t Training) error

	// CollectionDump reads a collection as one consistent, point-in-time
	// view (one read transaction) and streams it to sink: the collection
	// first, then every person sorted by id, then every face sorted by Seq.
	// Writes that commit while it runs are not seen and are not blocked.
	CollectionDump(ctx context.Context, ref CollectionRef, sink DumpSink) error
	// CollectionReserve creates a hidden collection that only Load,
	// Publish and Discard with the same Owner can touch. It takes the id:
	// creating a collection with the same ref fails with Exists until the
	// reservation is discarded.
	CollectionReserve(ctx context.Context, p CollectionReserveParams) error
	// CollectionLoad adds a batch of persons and faces (Seq as given) to a
	// reserved collection.
	CollectionLoad(ctx context.Context, p CollectionLoadParams) error
	// CollectionPublish makes a reserved collection visible, with its
	// training state, atomically.
	CollectionPublish(ctx context.Context, p CollectionPublishParams) error
	// CollectionDiscard removes a reserved collection and all it holds. It
	// is not an error when there is none.
	CollectionDiscard(ctx context.Context, ref CollectionRef, owner string) error

	OperationCreate(ctx context.Context, op Operation) error
	OperationGet(ctx context.Context, id string) (Operation, error)
	// OperationList lists an account's operations of the given kinds,
	// newest first, created before Before (zero: no bound), at most Top.
	OperationList(ctx context.Context, p OperationListParams) ([]Operation, error)
	// OperationClaim takes an operation of the given kinds that is
	// notstarted, or running with an expired lease, marks it running for
	// Owner until LeaseUntil and returns it. ErrNotFound when there is none.
	// The pick is fair across accounts, so one account's backlog does not
	// delay another's work: among accounts with a claimable operation, the
	// one with the fewest operations running under a live lease (any kind),
	// ties to the one whose oldest claimable operation is oldest, then that
	// account's oldest claimable operation.
	OperationClaim(ctx context.Context, p OperationClaimParams) (Operation, error)
	// OperationHeartbeat extends Owner's lease and records progress. It
	// fails with ErrConflict when Owner no longer holds the operation.
	OperationHeartbeat(ctx context.Context, p OperationHeartbeatParams) error
	// OperationFinish records a terminal status. It fails with ErrConflict
	// when Owner no longer holds the operation.
	OperationFinish(ctx context.Context, p OperationFinishParams) error
	// OperationPurge deletes operations that finished before the time.
	OperationPurge(ctx context.Context, finishedBefore time.Time) (int64, error)

	// QuotaUse records use ID of the account's quota Kind, counted while
	// Until is after the time it is counted at, unless Limit uses of that
	// kind still count at Now: then QuotaError. The count and the insert
	// are one transaction, serialized per account, so several nodes on one
	// database cannot together pass Limit. Limit <= 0 checks nothing but
	// still records, so that a limit set later counts past uses. Uses that
	// no longer count are deleted on the way. A missing account is
	// NotFound.
	QuotaUse(ctx context.Context, p QuotaUseParams) error
	// QuotaRelease gives use ID back before Until (a deleted snapshot, a
	// take that failed). It is not an error when there is none.
	QuotaRelease(ctx context.Context, account string, kind QuotaKind, id string) error

	// DetectedFaceCreate keeps the faces of one detect, all or none. Their
	// account must exist; deleting it deletes them.
	DetectedFaceCreate(ctx context.Context, faces []DetectedFace) error
	// DetectedFaceGet returns a face the account detected. It does not
	// look at ExpiresAt: the caller, who has the clock, does.
	DetectedFaceGet(ctx context.Context, account, faceID string) (DetectedFace, error)
	// DetectedFacePurge deletes the faces that expired before the time.
	DetectedFacePurge(ctx context.Context, expiredBefore time.Time) (int64, error)
}

type CollectionCreateParams struct {
	Collection Collection
	// MaxPerAccount limits how many collections of this kind the account
	// may hold (0: no limit).
	MaxPerAccount int
}

type CollectionListParams struct {
	Account string
	Kind    Kind
	Start   string
	Top     int
}

// CollectionUpdateParams changes the fields that are not nil.
type CollectionUpdateParams struct {
	Ref      CollectionRef
	Name     *string
	UserData *string
}

type CollectionStats struct {
	Persons int64
	Faces   int64
	MaxSeq  int64
}

type PersonCreateParams struct {
	Ref    CollectionRef
	Person Person
	// MaxPersons limits the persons of the collection (0: no limit).
	MaxPersons int
}

type PersonListParams struct {
	Ref   CollectionRef
	Start string
	Top   int
}

// PersonUpdateParams changes the fields that are not nil.
type PersonUpdateParams struct {
	Ref      CollectionRef
	PersonID string
	Name     *string
	UserData *string
}

type FaceAddParams struct {
	Ref  CollectionRef
	Face Face // Face.PersonID set for a person's face
	// MaxFaces limits the faces of the list or of the person (0: none).
	MaxFaces int
}

type FaceListParams struct {
	Ref   CollectionRef
	Start string
	Top   int
}

type FaceUpdateParams struct {
	Ref      CollectionRef
	PersonID string
	FaceID   string
	UserData string
}

// DumpSink receives a collection from CollectionDump.
type DumpSink interface {
	Collection(c Collection, t Training, stats CollectionStats) error
	Person(p Person) error // FaceIDs left empty; faces follow
	Face(f Face) error
}

type CollectionReserveParams struct {
	Collection Collection
	Owner      string // the operation that reserves it
	// MaxPerAccount limits the account's collections of this kind, the
	// reservation included, as CollectionCreateParams does (0: no limit),
	// so an apply cannot go past a limit that a create would hit.
	MaxPerAccount int
}

type CollectionLoadParams struct {
	Ref     CollectionRef
	Owner   string
	Persons []Person
	Faces   []Face
}

type CollectionPublishParams struct {
	Ref      CollectionRef
	Owner    string
	Training Training
}

type OperationListParams struct {
	Account string
	Kinds   []OperationKind
	Before  time.Time
	Top     int
}

type OperationClaimParams struct {
	Kinds      []OperationKind
	Owner      string
	Now        time.Time
	LeaseUntil time.Time
}

// QuotaKind names a per-account quota.
type QuotaKind string

const (
	// QuotaTake counts takes and imports per day.
	QuotaTake QuotaKind = "take"
	// QuotaApply counts applies per day.
	QuotaApply QuotaKind = "apply"
	// QuotaSnapshot counts stored (and pending) snapshots until they expire.
	QuotaSnapshot QuotaKind = "snapshot"
)

type QuotaUseParams struct {
	Account string
	Kind    QuotaKind
	ID      string
	Limit   int
	Now     time.Time
	Until   time.Time
}

// Exceeded is the error a store returns for a use past p.Limit.
func (p QuotaUseParams) Exceeded() *QuotaError {
	return &QuotaError{Message: fmt.Sprintf("The account has reached its limit of %d %s uses.", p.Limit, p.Kind)}
}

type OperationHeartbeatParams struct {
	ID         string
	Owner      string
	Now        time.Time
	LeaseUntil time.Time
	Done       int64
	Total      int64
}

type OperationFinishParams struct {
	ID               string
	Owner            string
	Now              time.Time
	Status           OperationStatus
	ResourceLocation string
	Message          string
	// Done and Total are the final progress, which a short operation may
	// not have reported in any heartbeat.
	Done, Total int64
}

// AccountKey is a stored key: its hash, never the key.
type AccountKey struct {
	Account string
	Hash    []byte
	// Managed keys come from the deployment's configuration
	// (FACESNAP_ACCOUNTS), which decides at each start whether they exist.
	Managed bool
}

type AccountKeyAddParams struct {
	Account string
	Hash    []byte
	Managed bool
}
