// Command fakeserver stands in for facesnap in the harness's own tests: it
// takes the same serve flags, prints the same listening line, answers
// /healthz, and counts its starts in DATA/starts so a restart on the same
// data directory can be seen.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: fakeserver serve --listen ADDR --data DIR")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "")
	data := fs.String("data", "", "")
	fs.String("snapshot-store", "", "")
	fs.Bool("allow-private-urls", false, "")
	fs.Parse(os.Args[2:])

	path := filepath.Join(*data, "starts")
	b, _ := os.ReadFile(path)
	b = append(b, 'x')
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "accounts:", len(strings.Split(os.Getenv("FACESNAP_ACCOUNTS"), ",")))
	fmt.Printf("facesnap listening on http://%s\n", ln.Addr())
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	http.HandleFunc("/face/v1.0/starts", func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile(path)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"starts":%d}`, len(b))
	})
	http.Serve(ln, nil)
}
