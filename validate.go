package facesnap

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// The record rules below are the API's, in one place: collections applies
// them to what a client sends, snapshots to every record of a snapshot
// file, which anyone can build offline and so is no more trusted than a
// request. Their messages are the API's and safe to show.

// DescriptorSize is the length of a face descriptor (the engine's
// DescriptorSize; the root package does not import the engine).
const DescriptorSize = 128

// MaxRectCoordinate bounds a face rectangle: no image the API decodes is
// wider or taller than its pixel limit (faceimage.MaxPixels, 64 MP).
const MaxRectCoordinate = 64 << 20

// CheckString refuses what no store can keep as it is: NUL and invalid
// UTF-8. PostgreSQL's text refuses both and SQLite would store the bytes,
// so the API refuses them on every store and the two give one answer.
func CheckString(what, s string) error {
	if !utf8.ValidString(s) {
		return Invalidf("%s is not valid UTF-8.", what)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return Invalidf("%s contains a NUL character.", what)
	}
	return nil
}

// CheckName checks a collection's or a person's name: required, at most
// MaxNameLength characters (runes, as the service counts them).
func CheckName(name string) error {
	if name == "" {
		return Invalidf("Name is required and cannot be empty.")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return Invalidf("Name is too long: %d characters, the maximum is %d.", n, MaxNameLength)
	}
	return CheckString("Name", name)
}

// CheckUserData checks userData against its limit, in characters.
func CheckUserData(userData string, max int) error {
	if n := utf8.RuneCountInString(userData); n > max {
		return Invalidf("User data is too long: %d characters, the maximum is %d.", n, max)
	}
	return CheckString("User data", userData)
}

// CheckRecognitionModel refuses a recognition model the service does not
// know; the caller substitutes the default for an empty one first.
func CheckRecognitionModel(m string) error {
	if !slices.Contains(RecognitionModels, m) {
		return Invalidf("Invalid recognition model '%s'. Supported models: %s.", m, strings.Join(RecognitionModels, ", "))
	}
	return nil
}

// CheckDetectionModel is CheckRecognitionModel for detection models.
func CheckDetectionModel(m string) error {
	if !slices.Contains(DetectionModels, m) {
		return Invalidf("Invalid detection model '%s'. Supported models: %s.", m, strings.Join(DetectionModels, ", "))
	}
	return nil
}

// ValidUUID reports whether id is a uuid as persons and faces are made and
// stored: 36 characters, lower-case hex. The API lower-cases an id from a
// path before it looks; a record must already be in that form, or no
// route could reach it.
func ValidUUID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// MaxPersons is how many persons a collection of the kind holds: 0 for
// the kinds without persons.
func (k Kind) MaxPersons() int {
	switch k {
	case KindPersonGroup:
		return MaxPersonsPerGroup
	case KindLargePersonGroup:
		return MaxPersonsPerLargeGroup
	}
	return 0
}

// MaxFaces is how many faces a list of the kind holds, or, for the kinds
// with persons, one person.
func (k Kind) MaxFaces() int {
	switch k {
	case KindFaceList:
		return MaxFacesPerFaceList
	case KindLargeFaceList:
		return MaxFacesPerLargeFaceList
	}
	return MaxFacesPerPerson
}

// Validate checks a collection as it is stored: its kind, id, name,
// userData and recognition model (no longer empty: the default is set).
func (c Collection) Validate() error {
	if !c.Kind.Valid() {
		return Invalidf("Invalid collection kind '%s': must be one of FaceList, LargeFaceList, PersonGroup, LargePersonGroup.", c.Kind)
	}
	if !ValidID(c.ID) {
		return Invalidf("%s ID is invalid. Valid character is English letter in lower case, digit, '-' or '_'. Maximum length is %d.", c.Kind.Phrase(), MaxIDLength)
	}
	if err := CheckName(c.Name); err != nil {
		return err
	}
	if err := CheckUserData(c.UserData, MaxUserDataLength); err != nil {
		return err
	}
	return CheckRecognitionModel(c.RecognitionModel)
}

// Validate checks a person as it is stored. Its FaceIDs are not checked:
// the faces themselves are.
func (p Person) Validate() error {
	if !ValidUUID(p.ID) {
		return Invalidf("Person ID '%s' is invalid: it must be a lower-case uuid.", p.ID)
	}
	if err := CheckName(p.Name); err != nil {
		return err
	}
	return CheckUserData(p.UserData, MaxUserDataLength)
}

// Validate checks a face as it is stored in a collection of kind k: a
// person's face names its person, a list's none.
func (f Face) Validate(k Kind) error {
	if !ValidUUID(f.ID) {
		return Invalidf("Persisted face ID '%s' is invalid: it must be a lower-case uuid.", f.ID)
	}
	switch {
	case k.HasPersons() && !ValidUUID(f.PersonID):
		return Invalidf("Person ID '%s' of a face is invalid: it must be a lower-case uuid.", f.PersonID)
	case !k.HasPersons() && f.PersonID != "":
		return Invalidf("A face of a %s belongs to no person.", k)
	}
	if err := CheckUserData(f.UserData, MaxFaceUserDataLength); err != nil {
		return err
	}
	if err := CheckDetectionModel(f.DetectionModel); err != nil {
		return err
	}
	if err := f.Rect.Validate(); err != nil {
		return err
	}
	return ValidateFeature(f.Feature)
}

// Validate checks a rectangle lies where an image can be.
func (r Rect) Validate() error {
	if r.Left < 0 || r.Top < 0 || r.Width < 0 || r.Height < 0 ||
		r.Left > MaxRectCoordinate-r.Width || r.Top > MaxRectCoordinate-r.Height {
		return Invalidf("Face rectangle %d,%d,%d,%d is out of range: coordinates are non-negative and at most %d.",
			r.Left, r.Top, r.Width, r.Height, MaxRectCoordinate)
	}
	return nil
}

// ValidateFeature checks a face descriptor: none (a face added without
// the engine), or DescriptorSize finite numbers.
func ValidateFeature(f []float32) error {
	if f == nil {
		return nil
	}
	if len(f) != DescriptorSize {
		return Invalidf("Face feature has %d values, not %d.", len(f), DescriptorSize)
	}
	for i, v := range f {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Invalidf("Face feature value %d is not a finite number.", i)
		}
	}
	return nil
}

// Validate checks a training's state is one the service has, and its
// trained sequence number is not negative. The zero Training (never
// trained) is valid.
func (t Training) Validate() error {
	switch t.Status {
	case "", TrainingNotStarted, TrainingRunning, TrainingSucceeded, TrainingFailed:
	default:
		return Invalidf("Invalid training status '%s'.", t.Status)
	}
	if t.TrainedSeq < 0 {
		return Invalidf("Invalid trained sequence number %d.", t.TrainedSeq)
	}
	return CheckString("Training message", t.Message)
}
