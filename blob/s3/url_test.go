package s3

import (
	"context"
	"errors"
	"strings"
	"testing"

	"facesnap"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url  string
		want config
		err  string // part of the error; "" for none
	}{
		{url: "s3://b", want: config{bucket: "b", region: "us-east-1"}},
		{url: "s3://b/snaps/eu/", want: config{bucket: "b", prefix: "snaps/eu/", region: "us-east-1"}},
		{
			url:  "s3://b?endpoint=http://127.0.0.1:7070&region=eu-west-1",
			want: config{bucket: "b", endpoint: "http://127.0.0.1:7070", region: "eu-west-1"},
		},
		{url: "http://b", err: "scheme"},
		{url: "s3:///x", err: "no bucket"},
		{url: "s3://key:secret@b", err: "credentials in the URL"},
		{url: "s3://b/a/../x", err: "prefix"},
		{url: "s3://b?endpiont=http://x", err: "unknown parameter"},
		{url: "s3://b?endpoint=127.0.0.1:7070", err: "endpoint"},
		{url: "s3://b?region=", err: "empty region"},
		{url: "s3://b?region=a&region=b", err: "2 times"},
	} {
		got, err := parseURL(tt.url)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("parseURL(%q): %v", tt.url, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseURL(%q) = %v, want an error with %q", tt.url, err, tt.err)
		case tt.err == "" && got != tt.want:
			t.Errorf("parseURL(%q) = %+v, want %+v", tt.url, got, tt.want)
		}
	}
}

func TestOpen_NoCredentials(t *testing.T) {
	t.Parallel()
	getenv := func(string) string { return "" }
	_, err := open(context.Background(), "s3://b?endpoint=http://127.0.0.1:1", getenv)
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("Open without keys = %v, want an error naming AWS_ACCESS_KEY_ID", err)
	}
}

// Keys are checked before any request: these tests need no server.
func TestStore_ErrInvalid(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret"}
	s, err := open(context.Background(), "s3://b?endpoint=http://127.0.0.1:1", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"", "/a", "a/", "a//b", "a/../b", "./a", `a\b`, "a\x00"} {
		if err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, facesnap.ErrInvalid) {
			t.Errorf("Put(%q) = %v, want ErrInvalid", key, err)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, facesnap.ErrInvalid) {
			t.Errorf("Get(%q) = %v, want ErrInvalid", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, facesnap.ErrInvalid) {
			t.Errorf("Delete(%q) = %v, want ErrInvalid", key, err)
		}
	}
	if _, err := s.List(ctx, "../"); !errors.Is(err, facesnap.ErrInvalid) {
		t.Errorf("List(../) = %v, want ErrInvalid", err)
	}
}
