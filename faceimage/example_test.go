package faceimage_test

import (
	"context"
	"fmt"

	"facesnap"
	"facesnap/faceimage"
)

// The checks an add-face request goes through before the face engine sees
// it. Every error is a *facesnap.InvalidError for the HTTP layer to render
// as a 400, apart from ctx.Err() when the request is cancelled.
func Example() {
	fetcher := faceimage.NewFetcher(faceimage.FetcherOptions{}) // one per server

	addFace := func(ctx context.Context, imageURL, targetFace string) (*faceimage.Image, facesnap.Rect, error) {
		data, err := fetcher.Fetch(ctx, imageURL) // or the octet-stream body, read up to MaxImageBytes+1
		if err != nil {
			return nil, facesnap.Rect{}, err
		}
		img, err := faceimage.Decode(data)
		if err != nil {
			return nil, facesnap.Rect{}, err
		}
		if targetFace == "" { // absent: the engine must find exactly one face
			return img, facesnap.Rect{}, nil
		}
		r, err := faceimage.ParseRect(targetFace)
		if err != nil {
			return nil, facesnap.Rect{}, err
		}
		if err := faceimage.CheckFace(img, r); err != nil {
			return nil, facesnap.Rect{}, err
		}
		return img, r, nil // the engine calls img.Pixels()
	}

	_, _, err := addFace(context.Background(), "ftp://example.com/face.jpg", "")
	fmt.Println(err)
	// Output: Invalid image URL.
}
