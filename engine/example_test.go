package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	"log"
	"os"

	"facesnap"
	"facesnap/engine"
)

// The AddFace path without a targetFace: decode, turn upright, detect,
// insist on one face, describe it. (Not run: it needs the weights.)
func Example() {
	eng, err := engine.Load(".cache/face-api") // or the server's configured path
	var missing *engine.MissingWeightsError
	if errors.As(err, &missing) {
		log.Fatal(err) // names the file and scripts/fetch-models
	} else if err != nil {
		log.Fatal(err)
	}

	data, err := os.ReadFile("photo.jpg")
	if err != nil {
		log.Fatal(err)
	}
	decoded, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	img := engine.NewImage(engine.Orient(decoded, engine.JPEGOrientation(data)))

	ctx := context.Background()
	faces, err := eng.Detect(ctx, img) // largest first
	if err != nil {
		log.Fatal(err)
	}
	if len(faces) != 1 {
		log.Fatalf("%d faces: AddFace needs exactly one", len(faces))
	}
	feature, err := eng.Descriptor(ctx, img, faces[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(faces[0].Rect, len(feature))
	for i, p := range faces[0].Landmarks27() {
		fmt.Println(engine.LandmarkNames[i], p.X, p.Y)
	}
}

// With a targetFace the caller places the face; Locate finds its landmarks
// so that the descriptor is aligned as for a detected face.
func ExampleEngine_Locate() {
	eng, err := engine.Load(".cache/face-api")
	if err != nil {
		log.Fatal(err)
	}
	// The decoded, upright image and the request's targetFace.
	var img image.Image
	target := facesnap.Rect{Left: 10, Top: 20, Width: 100, Height: 120}
	face, err := eng.Locate(context.Background(), img, target)
	if errors.Is(err, engine.ErrEmptyFace) {
		log.Fatal("targetFace outside the image")
	}
	feature, err := eng.Descriptor(context.Background(), img, face)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(feature))
}
