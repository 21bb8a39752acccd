// Command ppmdump decodes images as the engine does and writes the pixels
// it sees as binary PPM files, for the reference runner in scripts/golden.
//
//	go run ./engine/internal/ppmdump OUTDIR IMAGE...
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"

	"facesnap/engine"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ppmdump:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: ppmdump OUTDIR IMAGE...")
	}
	out := args[0]
	for _, in := range args[1:] {
		if err := dump(out, in); err != nil {
			return err
		}
	}
	return nil
}

func dump(outDir, in string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decode %s: %w", in, err)
	}
	img = engine.Orient(img, engine.JPEGOrientation(data))
	name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".ppm"
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := engine.NewImage(img).WritePPM(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
