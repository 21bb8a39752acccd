package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"facesnap/client"
)

// cliBin is the facesnap binary the end-to-end tests run, built once.
var cliBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "facesnap-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cliBin = filepath.Join(dir, "facesnap")
	if out, err := exec.Command("go", "build", "-o", cliBin, "facesnap/cmd/facesnap").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build facesnap: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// Two accounts; the keys are what the CLI passes, the subscriptions what
// snapshots are scoped to.
const (
	keyA = "cli-test-key-a-0123456789abcdef01"
	subA = "aaaaaaaa-0000-4000-8000-00000000000a"
	keyB = "cli-test-key-b-0123456789abcdef01"
	subB = "bbbbbbbb-0000-4000-8000-00000000000b"
)

// startServer runs `facesnap serve` on a free loopback port until the
// test ends and returns its endpoint.
func startServer(t *testing.T, accounts string, extra ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), cliBin, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir()}, extra...)...)
	cmd.Env = []string{"FACESNAP_ACCOUNTS=" + accounts}
	endpoint, _ := runServer(t, cmd)
	return endpoint
}

// runServer starts cmd, a `facesnap serve --listen 127.0.0.1:0`, stops it
// when the test ends, and returns the endpoint it listens on and its log,
// which is also shown if the test fails.
func runServer(t *testing.T, cmd *exec.Cmd) (endpoint string, log *syncBuffer) {
	t.Helper()
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("server printed no listening line: %v\n%s", err, stderr.String())
	}
	match := regexp.MustCompile(`^facesnap listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if match == nil {
		t.Fatalf("listening line %q", line)
	}
	go io.Copy(io.Discard, stdout)
	return match[1], stderr
}

type cliResult struct {
	stdout, stderr string
	code           int
}

// cli runs the facesnap binary with only the environment given.
func cli(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), cliBin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("run facesnap %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

// mustCLI runs the binary and fails the test unless it exits 0.
func mustCLI(t *testing.T, env []string, args ...string) string {
	t.Helper()
	r := cli(t, env, args...)
	if r.code != 0 {
		t.Fatalf("facesnap %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func faceEnv(endpoint, key string) []string {
	return []string{"FACE_ENDPOINT=" + endpoint, "FACE_SUBSCRIPTION_KEY=" + key}
}

// writeNoisePNG writes a PNG of random pixels, which compresses so badly
// that it is well above the API's 1 KB minimum.
func writeNoisePNG(t *testing.T, path string, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed))
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	img.Set(0, 0, color.RGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 1024 {
		t.Fatalf("noise PNG is only %d bytes", buf.Len())
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// seedPersons fills a person group of the given type with two persons:
// one with a face from a file, one with the faces of a folder that also
// holds a bad image, which face add must skip and report.
func seedPersons(t *testing.T, env []string, typ, group string) counts {
	t.Helper()
	dir := t.TempDir()
	mustCLI(t, env, "group", "create", group, "--type", typ, "--name", "Staff")
	alice := strings.TrimSpace(mustCLI(t, env, "person", "add", "--type", typ, "--group", group, "--name", "alice"))
	bob := strings.TrimSpace(mustCLI(t, env, "person", "add", "--type", typ, "--group", group, "--name", "bob"))

	one := filepath.Join(dir, "alice.png")
	writeNoisePNG(t, one, 1)
	mustCLI(t, env, "face", "add", "--type", typ, "--group", group, "--person", alice, "--target-face", "4,4,40,40", one)

	folder := filepath.Join(dir, "bob")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		writeNoisePNG(t, filepath.Join(folder, fmt.Sprintf("bob-%d.png", i)), uint64(10+i))
	}
	if err := os.WriteFile(filepath.Join(folder, "broken.jpg"), bytes.Repeat([]byte("not an image "), 200), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "notes.txt"), []byte("not picked"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, env, "face", "add", "--type", typ, "--group", group, "--person", bob, "--target-face", "4,4,40,40", folder)
	if r.code != exitFailed || !strings.Contains(r.stdout, "added 3 faces") || !strings.Contains(r.stdout, "broken.jpg") {
		t.Fatalf("face add of a folder with a bad image: exit %d, want %d with 3 added and broken.jpg reported\nstdout:\n%s\nstderr:\n%s",
			r.code, exitFailed, r.stdout, r.stderr)
	}
	return counts{Persons: 2, Faces: 4}
}

func countOn(t *testing.T, endpoint, key string, typ client.SnapshotObjectType, id string) counts {
	t.Helper()
	n, err := countCollection(t.Context(), client.New(endpoint, key), typ, id)
	if err != nil {
		t.Fatalf("count %s %s: %v", typ, id, err)
	}
	return n
}

func TestCLI_MigrateAccounts(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA+","+keyB+"="+subB)
	envA := faceEnv(endpoint, keyA)
	want := seedPersons(t, envA, "PersonGroup", "staff")

	// No --to-subscription: migrate asks the target server.
	r := cli(t, envA, "migrate", "--to-key", keyB, "--type", "PersonGroup", "--id", "staff")
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, step := range []string{"target subscription " + subB, "took snapshot", "verified target", "deleted snapshot"} {
		if !strings.Contains(r.stderr, step) {
			t.Errorf("migrate did not print %q:\n%s", step, r.stderr)
		}
	}
	if got := countOn(t, endpoint, keyB, client.SnapshotPersonGroup, "staff"); got != want {
		t.Errorf("target has %+v, want %+v", got, want)
	}
	if out := mustCLI(t, envA, "snapshot", "list", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("snapshots left after migrate: %s", out)
	}

	t.Run("LargeFaceList", func(t *testing.T) {
		dir := t.TempDir()
		for i := range 2 {
			writeNoisePNG(t, filepath.Join(dir, fmt.Sprintf("%d.png", i)), uint64(50+i))
		}
		mustCLI(t, envA, "group", "create", "visitors", "--type", "LargeFaceList")
		mustCLI(t, envA, "face", "add", "--type", "LargeFaceList", "--group", "visitors", "--target-face", "2,2,48,48", dir)
		var res migrateResult
		out := mustCLI(t, envA, "migrate", "--to-key", keyB, "--type", "largefacelist", "--id", "visitors", "-o", "json")
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("migrate -o json: %v\n%s", err, out)
		}
		want := counts{Faces: 2}
		if res.Target == nil || *res.Target != want || !res.SnapshotDeleted {
			t.Errorf("migrate result %+v, want %+v and the snapshot deleted", res, want)
		}
		if got := countOn(t, endpoint, keyB, client.SnapshotLargeFaceList, "visitors"); got != want {
			t.Errorf("target has %+v, want %+v", got, want)
		}
	})

	t.Run("ApplyOntoExisting", func(t *testing.T) {
		// The target exists now: the apply operation fails, and the CLI
		// exits 1 with the server's reason.
		var took operationResult
		out := mustCLI(t, envA, "snapshot", "take", "--id", "staff", "--apply-scope", subB, "--wait", "-o", "json")
		if err := json.Unmarshal([]byte(out), &took); err != nil || took.SnapshotID == "" {
			t.Fatalf("take -o json: %v\n%s", err, out)
		}
		r := cli(t, faceEnv(endpoint, keyB), "snapshot", "apply", took.SnapshotID, "--id", "staff", "--wait")
		if r.code != exitFailed || !strings.Contains(r.stderr, "already exists") {
			t.Errorf("apply onto an existing id: exit %d, want %d with the server's message\nstdout:\n%s\nstderr:\n%s", r.code, exitFailed, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "status:    failed") {
			t.Errorf("apply --wait did not print the final status:\n%s", r.stdout)
		}
		// migrate looks before it takes anything.
		r = cli(t, envA, "migrate", "--to-key", keyB, "--to-subscription", subB, "--id", "staff")
		if r.code != exitFailed || !strings.Contains(r.stderr, "already exists") || strings.Contains(r.stderr, "snapshot") {
			t.Errorf("migrate onto an existing id: exit %d, want %d, saying so before any snapshot\n%s", r.code, exitFailed, r.stderr)
		}
		r = cli(t, envA, "migrate", "--to-key", keyB, "--to-subscription", subB, "--id", "staff", "-o", "json")
		var res migrateResult
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.TakeOperationID != "" || !strings.Contains(res.Error, "already exists") {
			t.Errorf("migrate -o json onto an existing id: %v, result %+v, want no take and the error", err, res)
		}
	})
}

// A target that accepts the apply and then fails to answer about it may
// still be applying: migrate must keep the snapshot and say so, not
// delete it from under the apply.
func TestCLI_MigrateKeepsSnapshotWhileApplyMayRun(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	envA := faceEnv(endpoint, keyA)
	seedPersons(t, envA, "PersonGroup", "staff")

	const applyOp = "0f0e0d0c-0b0a-4908-8706-050403020100"
	var applied atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/apply"):
			applied.Store(true)
			w.Header().Set("Operation-Location", "/operations/"+applyOp)
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/operations/"+applyOp):
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"error":{"code":"InternalServerError","message":"the target is unwell"}}`)
		case r.Method == http.MethodGet && r.URL.Path == "/face/v1.0/persongroups/staff":
			// migrate's check that the target id is free.
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"PersonGroupNotFound","message":"Person group is not found."}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"NotFound","message":"not in this fake"}}`)
		}
	}))
	defer target.Close()

	r := cli(t, envA, "migrate", "--to-endpoint", target.URL, "--to-key", keyB, "--to-subscription", subB, "--type", "PersonGroup", "--id", "staff")
	if r.code == exitOK || !applied.Load() {
		t.Fatalf("migrate: exit %d, apply sent: %v\n%s", r.code, applied.Load(), r.stderr)
	}
	if !strings.Contains(r.stderr, "kept snapshot") || strings.Contains(r.stderr, "deleted snapshot") {
		t.Errorf("migrate did not keep the snapshot:\n%s", r.stderr)
	}
	if out := mustCLI(t, envA, "snapshot", "list", "-o", "json"); strings.TrimSpace(out) == "[]" {
		t.Errorf("no snapshot left on the source: the apply may still need it")
	}
}

func TestCLI_MigrateRegions(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	west := startServer(t, keyA+"="+subA, "--snapshot-store", store)
	east := startServer(t, keyB+"="+subB, "--snapshot-store", store)
	want := seedPersons(t, faceEnv(west, keyA), "LargePersonGroup", "team")

	r := cli(t, nil, "migrate", "--from-endpoint", west, "--from-key", keyA,
		"--to-endpoint", east, "--to-key", keyB, "--to-subscription", subB,
		"--type", "LargePersonGroup", "--id", "team", "--to-id", "team-east", "--keep-snapshot", "--output", "json")
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var res migrateResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("migrate -o json is not one JSON document: %v\n%s", err, r.stdout)
	}
	if res.Source == nil || res.Target == nil || *res.Source != want || *res.Target != want || res.TargetID != "team-east" || res.SnapshotDeleted {
		t.Errorf("migrate result %+v, want %+v copied to team-east and the snapshot kept", res, want)
	}
	if got := countOn(t, east, keyB, client.SnapshotLargePersonGroup, "team-east"); got != want {
		t.Errorf("east has %+v, want %+v", got, want)
	}
	if out := mustCLI(t, faceEnv(west, keyA), "snapshot", "get", res.SnapshotID, "-o", "json"); !strings.Contains(out, subB) {
		t.Errorf("kept snapshot: %s", out)
	}
}

func TestCLI_ExportImport(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	env := faceEnv(endpoint, keyA)
	dir := t.TempDir()
	mustCLI(t, env, "group", "create", "faces", "--type", "FaceList")
	for i := range 3 {
		img := filepath.Join(dir, fmt.Sprintf("%d.png", i))
		writeNoisePNG(t, img, uint64(100+i))
		mustCLI(t, env, "face", "add", "--type", "FaceList", "--group", "faces", "--target-face", "2,2,48,48", "--user-data", fmt.Sprint("face ", i), img)
	}

	var took operationResult
	out := mustCLI(t, env, "snapshot", "take", "--type", "FaceList", "--id", "faces", "--apply-scope", subA, "--wait", "-o", "json")
	if err := json.Unmarshal([]byte(out), &took); err != nil || took.SnapshotID == "" {
		t.Fatalf("take -o json: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "faces.snap")
	out = mustCLI(t, env, "snapshot", "export", took.SnapshotID, file)
	if !strings.Contains(out, "0 persons, 3 faces") {
		t.Errorf("export printed %q", out)
	}
	if left, _ := filepath.Glob(file + ".*.tmp"); len(left) != 0 {
		t.Errorf("export left %q behind", left)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Damaged", func(t *testing.T) {
		edited := bytes.Clone(data)
		edited[len(edited)/2] ^= 0x40
		for name, body := range map[string][]byte{"truncated": data[:len(data)-10], "edited": edited} {
			path := filepath.Join(t.TempDir(), name+".snap")
			if err := os.WriteFile(path, body, 0o600); err != nil {
				t.Fatal(err)
			}
			r := cli(t, env, "snapshot", "import", path)
			if r.code != exitFailed || !strings.Contains(r.stderr, path+" is damaged") || !strings.Contains(r.stderr, "refusing to upload") {
				t.Errorf("import of a %s file: exit %d, want %d and a message naming the damage\nstderr:\n%s", name, r.code, exitFailed, r.stderr)
			}
		}
		var list []client.Snapshot
		if err := json.Unmarshal([]byte(mustCLI(t, env, "snapshot", "list", "-o", "json")), &list); err != nil || len(list) != 1 {
			t.Errorf("after refused imports the server has %d snapshots (%v), want only the one taken", len(list), err)
		}
	})

	t.Run("RoundTrip", func(t *testing.T) {
		var imported client.Snapshot
		out := mustCLI(t, env, "snapshot", "import", file, "-o", "json")
		if err := json.Unmarshal([]byte(out), &imported); err != nil || imported.ID == "" || imported.ID == took.SnapshotID {
			t.Fatalf("import -o json: %v\n%s", err, out)
		}
		mustCLI(t, env, "snapshot", "apply", imported.ID, "--id", "faces-restored", "--wait")
		c := client.New(endpoint, keyA)
		src, err := c.FaceLists().Get(t.Context(), "faces", client.GetOptions{ReturnRecognitionModel: true})
		if err != nil {
			t.Fatal(err)
		}
		dst, err := c.FaceLists().Get(t.Context(), "faces-restored", client.GetOptions{ReturnRecognitionModel: true})
		if err != nil {
			t.Fatal(err)
		}
		dst.FaceListID = src.FaceListID
		a, _ := json.Marshal(src)
		b, _ := json.Marshal(dst)
		if !bytes.Equal(a, b) || len(src.PersistedFaces) != 3 {
			t.Errorf("restored face list differs from the source:\n%s\n%s", b, a)
		}
	})
}

func TestCLI_Help(t *testing.T) {
	t.Parallel()
	out := mustCLI(t, nil, "--help")
	for _, want := range []string{"Exit codes:", "2  usage error", "3  API error", envEndpoint, envKey} {
		if !strings.Contains(out, want) {
			t.Errorf("facesnap --help lacks %q:\n%s", want, out)
		}
	}
}

// A folder add follows links to images, calls a folder without images a
// failure, and, when the server stops it midway, still reports what it
// added.
func TestCLI_FaceAddFolder(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	env := faceEnv(endpoint, keyA)
	mustCLI(t, env, "group", "create", "visitors", "--type", "LargeFaceList")
	add := func(env []string, dir string) cliResult {
		return cli(t, env, "face", "add", "--type", "LargeFaceList", "--group", "visitors", "--target-face", "2,2,48,48", "-o", "json", dir)
	}

	t.Run("Links", func(t *testing.T) {
		images, links := t.TempDir(), t.TempDir()
		for i := range 2 {
			name := fmt.Sprintf("%d.png", i)
			writeNoisePNG(t, filepath.Join(images, name), uint64(70+i))
			if err := os.Symlink(filepath.Join(images, name), filepath.Join(links, name)); err != nil {
				t.Fatal(err)
			}
		}
		r := add(env, links)
		var res faceAddResult
		if err := json.Unmarshal([]byte(r.stdout), &res); r.code != exitOK || err != nil || len(res.Added) != 2 {
			t.Fatalf("add a folder of links: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
		}
	})
	t.Run("NoImages", func(t *testing.T) {
		if r := add(env, t.TempDir()); r.code != exitFailed || !strings.Contains(r.stderr, "no images") {
			t.Errorf("add an empty folder: exit %d, want %d saying there are no images\n%s", r.code, exitFailed, r.stderr)
		}
	})
	t.Run("StoppedMidway", func(t *testing.T) {
		// A fake server takes two faces, then the list is full.
		var adds atomic.Int32
		full := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if n := adds.Add(1); n <= 2 {
				fmt.Fprintf(w, `{"persistedFaceId":"00000000-0000-4000-8000-%012d"}`, n)
				return
			}
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error":{"code":"QuotaExceeded","message":"the list is full"}}`)
		}))
		defer full.Close()
		dir := t.TempDir()
		for i := range 4 {
			writeNoisePNG(t, filepath.Join(dir, fmt.Sprintf("%d.png", i)), uint64(80+i))
		}
		r := add(faceEnv(full.URL, keyA), dir)
		var res faceAddResult
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != exitAPI || len(res.Added) != 2 || !strings.Contains(res.Error, "the list is full") {
			t.Errorf("add stopped by the server: exit %d (want %d), result %+v, %v; want the 2 added and the reason\n%s%s", r.code, exitAPI, res, err, r.stdout, r.stderr)
		}
		if adds.Load() != 3 {
			t.Errorf("the server saw %d adds, want 3: the add must stop at the refusal", adds.Load())
		}
	})
}

// operation list pages with --top and --before, newest first.
func TestCLI_OperationListPages(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	env := faceEnv(endpoint, keyA)
	mustCLI(t, env, "group", "create", "g", "--type", "PersonGroup")
	var took []string
	for range 3 {
		var r operationResult
		out := mustCLI(t, env, "snapshot", "take", "--type", "PersonGroup", "--id", "g", "--apply-scope", subA, "--wait", "-o", "json")
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("take -o json: %v\n%s", err, out)
		}
		took = append(took, r.OperationID)
	}
	list := func(args ...string) []client.OperationStatus {
		t.Helper()
		var ops []client.OperationStatus
		out := mustCLI(t, env, append([]string{"operation", "list", "-o", "json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &ops); err != nil {
			t.Fatalf("operation list -o json: %v\n%s", err, out)
		}
		return ops
	}
	first := list("--top", "2")
	if len(first) != 2 || first[0].OperationID != took[2] || first[1].OperationID != took[1] {
		t.Fatalf("first page %+v, want the last two takes %v, newest first", first, took[1:])
	}
	next := list("--top", "2", "--before", first[1].CreatedTime.String())
	if len(next) != 1 || next[0].OperationID != took[0] {
		t.Fatalf("next page %+v, want the first take %s", next, took[0])
	}
}

// snapshot update --user-data "" clears the user data.
func TestCLI_SnapshotUpdateClearsUserData(t *testing.T) {
	t.Parallel()
	endpoint := startServer(t, keyA+"="+subA)
	env := faceEnv(endpoint, keyA)
	mustCLI(t, env, "group", "create", "g", "--type", "PersonGroup")
	var took operationResult
	out := mustCLI(t, env, "snapshot", "take", "--type", "PersonGroup", "--id", "g", "--apply-scope", subA, "--user-data", "nightly", "--wait", "-o", "json")
	if err := json.Unmarshal([]byte(out), &took); err != nil || took.SnapshotID == "" {
		t.Fatalf("take -o json: %v\n%s", err, out)
	}
	userData := func(args ...string) string {
		t.Helper()
		var s client.Snapshot
		out := mustCLI(t, env, append(args, "-o", "json")...)
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return s.UserData
	}
	if got := userData("snapshot", "get", took.SnapshotID); got != "nightly" {
		t.Fatalf("user data %q after take, want nightly", got)
	}
	if got := userData("snapshot", "update", took.SnapshotID, "--user-data", ""); got != "" {
		t.Errorf("user data %q after update --user-data \"\", want none", got)
	}
	if r := cli(t, env, "snapshot", "update", took.SnapshotID); r.code != exitUsage {
		t.Errorf("update without a change: exit %d, want %d", r.code, exitUsage)
	}
}

// peopleDir is the labelled photos of ../shared/testdata/people (from the
// project's root), or FACESNAP_TEST_PEOPLE; tests skip without them.
func peopleDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FACESNAP_TEST_PEOPLE")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata", "people")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no labelled photos in %s under CI: %v", dir, err)
		}
		t.Skipf("no labelled photos in %s (set FACESNAP_TEST_PEOPLE): %v", dir, err)
	}
	return dir
}

// TestCLI_BinaryAnywhere copies a binary into an empty directory, as a
// deployment would, and starts it there with no FACESNAP_MODELS and a
// home of its own: it must find its weights and detect a face. Once with
// the weights in a models directory beside it, once with a binary built
// with -tags embedmodels (when scripts/build-embedded has copied the
// weights in for go:embed).
func TestCLI_BinaryAnywhere(t *testing.T) {
	t.Parallel()
	photo := filepath.Join(peopleDir(t), "obama", "1.jpg")
	weights, err := filepath.Abs(filepath.Join("..", ".cache", "face-api"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(weights, weightsFile)); err != nil {
		t.Skipf("no face engine weights in %s (scripts/fetch-models): %v", weights, err)
	}
	copyBin := func(t *testing.T, from, dir string) {
		src, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "facesnap"), src, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		logged  func(dir string) string // the weights directory the log must name
	}{
		{
			name: "WeightsBeside",
			prepare: func(t *testing.T, dir string) {
				copyBin(t, cliBin, dir)
				if err := os.Symlink(weights, filepath.Join(dir, "models")); err != nil {
					t.Fatal(err)
				}
			},
			logged: func(dir string) string { return filepath.Join(dir, "models") },
		},
		{
			name: "Embedded",
			prepare: func(t *testing.T, dir string) {
				if _, err := os.Stat(filepath.Join("..", "internal", "embedmodels", "weights", weightsFile)); err != nil {
					t.Skipf("internal/embedmodels/weights is empty (scripts/build-embedded fills it): %v", err)
				}
				bin := filepath.Join(t.TempDir(), "facesnap")
				if out, err := exec.Command("go", "build", "-tags", "embedmodels", "-o", bin, "facesnap/cmd/facesnap").CombinedOutput(); err != nil {
					t.Fatalf("build -tags embedmodels: %v\n%s", err, out)
				}
				copyBin(t, bin, dir)
			},
			logged: func(dir string) string { return filepath.Join(dir, "home") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tt.prepare(t, dir)
			cmd := exec.CommandContext(t.Context(), filepath.Join(dir, "facesnap"), "serve", "--listen", "127.0.0.1:0")
			cmd.Dir = dir
			cmd.Env = []string{"FACESNAP_ACCOUNTS=" + keyA + "=" + subA, "HOME=" + filepath.Join(dir, "home")}
			endpoint, stderr := runServer(t, cmd)

			out := mustCLI(t, faceEnv(endpoint, keyA), "detect", photo, "-o", "json")
			var faces []client.DetectedFace
			if err := json.Unmarshal([]byte(out), &faces); err != nil || len(faces) != 1 || faces[0].FaceID == "" {
				t.Fatalf("detect %s: %v, want one face with an id\n%s", photo, err, out)
			}
			if want := tt.logged(dir); !strings.Contains(stderr.String(), `"models":"`+want) {
				t.Errorf("the server log does not name weights in %s:\n%s", want, stderr.String())
			}
		})
	}
}

// TestCLI_MigrateLabelledPhotos migrates a person group built as the
// README says, from real photos: one-face photos added as they are
// (a whole folder per person), a two-person photo refused without
// --target-face and added by the rectangle detect prints.
func TestCLI_MigrateLabelledPhotos(t *testing.T) {
	t.Parallel()
	people := peopleDir(t)
	weights := filepath.Join("..", ".cache", "face-api")
	if _, err := os.Stat(filepath.Join(weights, weightsFile)); err != nil {
		t.Skipf("no face engine weights in %s (scripts/fetch-models): %v", weights, err)
	}
	endpoint := startServer(t, keyA+"="+subA+","+keyB+"="+subB, "--models", weights)
	envA := faceEnv(endpoint, keyA)
	mustCLI(t, envA, "group", "create", "people")
	obama := strings.TrimSpace(mustCLI(t, envA, "person", "add", "--group", "people", "--name", "obama"))
	biden := strings.TrimSpace(mustCLI(t, envA, "person", "add", "--group", "people", "--name", "biden"))
	mustCLI(t, envA, "face", "add", "--group", "people", "--person", obama, filepath.Join(people, "obama"))
	mustCLI(t, envA, "face", "add", "--group", "people", "--person", biden, filepath.Join(people, "biden"))

	both := filepath.Join(people, "multi", "obama_and_biden.jpg")
	if r := cli(t, envA, "face", "add", "--group", "people", "--person", biden, both); r.code != exitAPI || !strings.Contains(r.stderr, "more than 1 face") {
		t.Errorf("a two-face photo without --target-face: exit %d, want %d and the server's reason\n%s", r.code, exitAPI, r.stderr)
	}
	var faces []client.DetectedFace
	if err := json.Unmarshal([]byte(mustCLI(t, envA, "detect", both, "-o", "json")), &faces); err != nil || len(faces) != 2 {
		t.Fatalf("detect %s: %v, %d faces, want 2", both, err, len(faces))
	}
	r := faces[1].FaceRectangle
	mustCLI(t, envA, "face", "add", "--group", "people", "--person", biden, "--target-face", fmt.Sprintf("%d,%d,%d,%d", r.Left, r.Top, r.Width, r.Height), both)

	want := counts{Persons: 2, Faces: 4 + 2 + 1}
	if got := countOn(t, endpoint, keyA, client.SnapshotPersonGroup, "people"); got != want {
		t.Fatalf("source has %+v, want %+v", got, want)
	}
	mustCLI(t, envA, "migrate", "--to-key", keyB, "--id", "people")
	if got := countOn(t, endpoint, keyB, client.SnapshotPersonGroup, "people"); got != want {
		t.Errorf("target has %+v, want %+v", got, want)
	}
	var listed []client.Person
	if err := json.Unmarshal([]byte(mustCLI(t, faceEnv(endpoint, keyB), "person", "list", "--group", "people", "-o", "json")), &listed); err != nil || len(listed) != 2 {
		t.Errorf("person list on the target: %v, %+v", err, listed)
	}
}
