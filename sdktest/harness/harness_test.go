package harness

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
)

func buildFake(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fakeserver")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/fakeserver")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build fake server: %v\n%s", err, b)
	}
	return out
}

func TestServer_KillRestart(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Binary: buildFake(t), Accounts: []Account{NewAccount(), NewAccount()}})
	starts := func() int {
		t.Helper()
		r := srv.Do(t, Request{Method: http.MethodGet, Path: "/starts"})
		var v struct{ Starts int }
		if err := json.Unmarshal(r.Body, &v); err != nil {
			t.Fatalf("decode %s: %v", r, err)
		}
		return v.Starts
	}
	if got := starts(); got != 1 {
		t.Fatalf("starts = %d, want 1", got)
	}
	endpoint := srv.Endpoint
	srv.Kill()
	if srv.Running() {
		t.Fatal("still running after Kill")
	}
	srv.Restart()
	if srv.Endpoint != endpoint {
		t.Errorf("endpoint moved from %s to %s on restart", endpoint, srv.Endpoint)
	}
	if got := starts(); got != 2 {
		t.Fatalf("starts = %d after restart on the same data dir, want 2", got)
	}
	srv.Restart() // graceful stop of a running process, then start
	if got := starts(); got != 3 {
		t.Fatalf("starts = %d, want 3", got)
	}
}

func TestImages(t *testing.T) {
	t.Parallel()
	p := PNG(t, 64, 64, 1)
	if _, err := png.Decode(bytes.NewReader(p)); err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	j := JPEG(t, 64, 64, 1)
	if _, err := jpeg.Decode(bytes.NewReader(j)); err != nil {
		t.Fatalf("JPEG does not decode: %v", err)
	}
	if bytes.Equal(PNG(t, 64, 64, 1), PNG(t, 64, 64, 2)) {
		t.Error("different seeds gave the same PNG")
	}
	if !bytes.Equal(p, PNG(t, 64, 64, 1)) {
		t.Error("same seed gave different PNGs")
	}
}

func TestRandomUUID(t *testing.T) {
	t.Parallel()
	u := randomUUID()
	if len(u) != 36 || u[14] != '4' {
		t.Errorf("not a v4 uuid: %s", u)
	}
}

func TestBMPAndGIF(t *testing.T) {
	t.Parallel()
	b := BMP(t, 33, 20, 3)
	if string(b[:2]) != "BM" || len(b) != 54+100*20 {
		t.Errorf("BMP header or size wrong: %d bytes", len(b))
	}
	if _, err := gif.Decode(bytes.NewReader(GIF(t, 64, 64, 3))); err != nil {
		t.Errorf("GIF does not decode: %v", err)
	}
}
