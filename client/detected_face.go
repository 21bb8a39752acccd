package client

// DetectedFace is one face of a detect answer. Fields are in the order
// the service writes them.
type DetectedFace struct {
	FaceID           string           `json:"faceId,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
	FaceRectangle    Rectangle        `json:"faceRectangle"`
	FaceLandmarks    *FaceLandmarks   `json:"faceLandmarks,omitempty"`
	FaceAttributes   *FaceAttributes  `json:"faceAttributes,omitempty"`
}

// Rectangle is a faceRectangle, in pixels of the picture as shown (EXIF
// orientation applied).
type Rectangle struct {
	Top    int `json:"top"`
	Left   int `json:"left"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Point is a landmark, in pixels to a tenth.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// FaceLandmarks are the service's 27 named points; "Left" is the side on
// the image's left.
type FaceLandmarks struct {
	PupilLeft           Point `json:"pupilLeft"`
	PupilRight          Point `json:"pupilRight"`
	NoseTip             Point `json:"noseTip"`
	MouthLeft           Point `json:"mouthLeft"`
	MouthRight          Point `json:"mouthRight"`
	EyebrowLeftOuter    Point `json:"eyebrowLeftOuter"`
	EyebrowLeftInner    Point `json:"eyebrowLeftInner"`
	EyeLeftOuter        Point `json:"eyeLeftOuter"`
	EyeLeftTop          Point `json:"eyeLeftTop"`
	EyeLeftBottom       Point `json:"eyeLeftBottom"`
	EyeLeftInner        Point `json:"eyeLeftInner"`
	EyebrowRightInner   Point `json:"eyebrowRightInner"`
	EyebrowRightOuter   Point `json:"eyebrowRightOuter"`
	EyeRightInner       Point `json:"eyeRightInner"`
	EyeRightTop         Point `json:"eyeRightTop"`
	EyeRightBottom      Point `json:"eyeRightBottom"`
	EyeRightOuter       Point `json:"eyeRightOuter"`
	NoseRootLeft        Point `json:"noseRootLeft"`
	NoseRootRight       Point `json:"noseRootRight"`
	NoseLeftAlarTop     Point `json:"noseLeftAlarTop"`
	NoseRightAlarTop    Point `json:"noseRightAlarTop"`
	NoseLeftAlarOutTip  Point `json:"noseLeftAlarOutTip"`
	NoseRightAlarOutTip Point `json:"noseRightAlarOutTip"`
	UpperLipTop         Point `json:"upperLipTop"`
	UpperLipBottom      Point `json:"upperLipBottom"`
	UnderLipTop         Point `json:"underLipTop"`
	UnderLipBottom      Point `json:"underLipBottom"`
}

// FaceAttributes are the attributes detect was asked for; the others are
// absent. A facesnap server computes headPose, blur, exposure and noise
// (and refuses the others with 400 BadArgument); the rest of the model is
// for servers that compute more.
type FaceAttributes struct {
	Smile       *float64    `json:"smile,omitempty"`
	HeadPose    *HeadPose   `json:"headPose,omitempty"`
	Gender      string      `json:"gender,omitempty"` // male, female
	Age         *float64    `json:"age,omitempty"`
	FacialHair  *FacialHair `json:"facialHair,omitempty"`
	Glasses     string      `json:"glasses,omitempty"` // noGlasses, readingGlasses, sunglasses, swimmingGoggles
	Emotion     *Emotion    `json:"emotion,omitempty"`
	Blur        *Blur       `json:"blur,omitempty"`
	Exposure    *Exposure   `json:"exposure,omitempty"`
	Noise       *Noise      `json:"noise,omitempty"`
	Makeup      *Makeup     `json:"makeup,omitempty"`
	Accessories []Accessory `json:"accessories,omitempty"`
	Occlusion   *Occlusion  `json:"occlusion,omitempty"`
	Hair        *Hair       `json:"hair,omitempty"`
	// QualityForRecognition is Low, Medium or High (recognition_03 and
	// recognition_04 only).
	QualityForRecognition string `json:"qualityForRecognition,omitempty"`
}

type HeadPose struct {
	Pitch float64 `json:"pitch"`
	Roll  float64 `json:"roll"`
	Yaw   float64 `json:"yaw"`
}

type FacialHair struct {
	Moustache float64 `json:"moustache"`
	Beard     float64 `json:"beard"`
	Sideburns float64 `json:"sideburns"`
}

type Emotion struct {
	Anger     float64 `json:"anger"`
	Contempt  float64 `json:"contempt"`
	Disgust   float64 `json:"disgust"`
	Fear      float64 `json:"fear"`
	Happiness float64 `json:"happiness"`
	Neutral   float64 `json:"neutral"`
	Sadness   float64 `json:"sadness"`
	Surprise  float64 `json:"surprise"`
}

type Blur struct {
	BlurLevel string  `json:"blurLevel"` // Low, Medium, High
	Value     float64 `json:"value"`
}

type Exposure struct {
	ExposureLevel string  `json:"exposureLevel"` // UnderExposure, GoodExposure, OverExposure
	Value         float64 `json:"value"`
}

type Noise struct {
	NoiseLevel string  `json:"noiseLevel"` // Low, Medium, High
	Value      float64 `json:"value"`
}

type Makeup struct {
	EyeMakeup bool `json:"eyeMakeup"`
	LipMakeup bool `json:"lipMakeup"`
}

type Accessory struct {
	Type       string  `json:"type"` // headWear, glasses, mask
	Confidence float64 `json:"confidence"`
}

type Occlusion struct {
	ForeheadOccluded bool `json:"foreheadOccluded"`
	EyeOccluded      bool `json:"eyeOccluded"`
	MouthOccluded    bool `json:"mouthOccluded"`
}

type Hair struct {
	Bald      float64     `json:"bald"`
	Invisible bool        `json:"invisible"`
	HairColor []HairColor `json:"hairColor"`
}

type HairColor struct {
	Color      string  `json:"color"` // unknown, white, gray, blond, brown, red, black, other
	Confidence float64 `json:"confidence"`
}
