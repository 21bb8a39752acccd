// Command enginebench times the face engine the way scripts/golden's
// reference runner times face-api, and prints the same JSON fields:
//
//	go run ./engine/internal/enginebench MODELS_DIR ROUNDS
//
// detect = detection plus landmarks for an image (SSD, and tiny apart); descriptor = one face's
// crop and recognition net; pipeline = both for a whole image. Medians over
// the rounds, after one warm-up round; the pipeline also in CPU time.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"time"

	"facesnap/engine"
	"facesnap/internal/cputime"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "enginebench:", err)
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: enginebench MODELS_DIR ROUNDS")
	}
	dir := args[0]
	rounds, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	eng, err := engine.Load(dir)
	if err != nil {
		return err
	}
	var images []*engine.Image
	for i := 1; i <= 6; i++ {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("sample%d.jpg", i)))
		if err != nil {
			return err
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			return err
		}
		images = append(images, engine.NewImage(img))
	}
	ctx := context.Background()
	var detectMs, tinyMs, perFaceMs, descMs, pipeMs, cpuMs []float64
	faces := 0
	var total time.Duration
	for round := -1; round < rounds; round++ {
		for _, img := range images {
			t0 := time.Now()
			dets, err := eng.Detect(ctx, img)
			if err != nil {
				return err
			}
			td := time.Since(t0)
			t0 = time.Now()
			if _, err := eng.DetectWith(ctx, img, engine.TinyFaceDetector); err != nil {
				return err
			}
			tt := time.Since(t0)
			var tdesc []float64
			for _, d := range dets {
				t0 = time.Now()
				if _, err := eng.Descriptor(ctx, img, d); err != nil {
					return err
				}
				tdesc = append(tdesc, ms(time.Since(t0)))
			}
			t0 = time.Now()
			cpu0 := cputime.Self()
			full, err := eng.Detect(ctx, img)
			if err != nil {
				return err
			}
			for _, d := range full {
				if _, err := eng.Descriptor(ctx, img, d); err != nil {
					return err
				}
			}
			tp := time.Since(t0)
			tcpu := cputime.Self() - cpu0
			if round < 0 {
				continue
			}
			detectMs = append(detectMs, ms(td))
			tinyMs = append(tinyMs, ms(tt))
			if len(dets) > 0 {
				perFaceMs = append(perFaceMs, ms(td)/float64(len(dets)))
			}
			descMs = append(descMs, tdesc...)
			pipeMs = append(pipeMs, ms(tp))
			cpuMs = append(cpuMs, ms(tcpu))
			faces += len(full)
			total += tp
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"runner":                    fmt.Sprintf("go %s facesnap/engine GOMAXPROCS=%d", runtime.Version(), runtime.GOMAXPROCS(0)),
		"rounds":                    rounds,
		"images":                    len(images),
		"detectImageMedianMs":       median(detectMs),
		"detectPerFaceMedianMs":     median(perFaceMs),
		"tinyDetectImageMedianMs":   median(tinyMs),
		"descriptorPerFaceMedianMs": median(descMs),
		"pipelineImageMedianMs":     median(pipeMs),
		"pipelineImageCpuMedianMs":  median(cpuMs),
		"facesPerSecond":            float64(faces) / total.Seconds(),
	})
}
