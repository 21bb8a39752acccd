package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
)

// pagedPersons serves n persons with ids p00000…, honouring start and top
// as the API does, unless ignoreStart.
func pagedPersons(n int, ignoreStart bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := r.URL.Query().Get("start")
		top, _ := strconv.Atoi(r.URL.Query().Get("top"))
		page := []Person{}
		for i := 0; i < n && len(page) < top; i++ {
			id := fmt.Sprintf("p%05d", i)
			if ignoreStart || id > start {
				page = append(page, Person{PersonID: id})
			}
		}
		b, _ := json.Marshal(page)
		reply{status: 200, body: string(b)}.write(w)
	}
}

func TestPersons_All(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		n           int
		ignoreStart bool
		stopAfter   int // 0: read everything
		wantItems   int
		wantQueries []string
		wantErr     bool
	}{
		{name: "Empty", n: 0, wantQueries: []string{"top=1000"}},
		{name: "OnePage", n: 999, wantItems: 999, wantQueries: []string{"top=1000"}},
		{
			name: "ThreePages", n: 2500, wantItems: 2500,
			wantQueries: []string{"top=1000", "start=p00999&top=1000", "start=p01999&top=1000"},
		},
		{
			name: "ExactPages", n: 2000, wantItems: 2000,
			wantQueries: []string{"top=1000", "start=p00999&top=1000", "start=p01999&top=1000"},
		},
		{name: "StopEarly", n: 2500, stopAfter: 5, wantItems: 5, wantQueries: []string{"top=1000"}},
		{
			name: "ServerIgnoresStart", n: 1500, ignoreStart: true, wantItems: 2000, wantErr: true,
			wantQueries: []string{"top=1000", "start=p00999&top=1000"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pagedPersons(tt.n, tt.ignoreStart))
			items, errs := 0, 0
			for p, err := range b.c.PersonGroups().Persons("g").All(t.Context()) {
				if err != nil {
					errs++
					continue
				}
				if want := fmt.Sprintf("p%05d", items); !tt.ignoreStart && p.PersonID != want {
					t.Fatalf("item %d is %s, want %s", items, p.PersonID, want)
				}
				items++
				if items == tt.stopAfter {
					break
				}
			}
			if items != tt.wantItems || (errs > 0) != tt.wantErr {
				t.Errorf("%d items, %d errors; want %d items, error %v", items, errs, tt.wantItems, tt.wantErr)
			}
			var queries []string
			for _, r := range b.recorded() {
				queries = append(queries, r.RawQuery)
			}
			if !slices.Equal(queries, tt.wantQueries) {
				t.Errorf("queries %q\nwant    %q", queries, tt.wantQueries)
			}
		})
	}
}

func TestCollections_All(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		page := `[{"largePersonGroupId":"a"},{"largePersonGroupId":"b"}]`
		if r.URL.Query().Get("start") != "" {
			page = `[]`
		}
		reply{status: 200, body: page}.write(w)
	})
	var ids []string
	for g, err := range b.c.LargePersonGroups().All(t.Context(), GetOptions{ReturnRecognitionModel: true}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g.LargePersonGroupID)
	}
	if !slices.Equal(ids, []string{"a", "b"}) {
		t.Errorf("ids %v", ids)
	}
	if r := b.recorded(); len(r) != 1 || r[0].RawQuery != "returnRecognitionModel=true&top=1000" {
		t.Errorf("requests %+v", r)
	}
}

func TestLargeFaceListFaces_AllError(t *testing.T) {
	t.Parallel()
	b := setup(t, replies(jsonError(404, "LargeFaceListNotFound", "Large face list is not found.")))
	n := 0
	for _, err := range b.c.LargeFaceLists().Faces("missing").All(t.Context()) {
		n++
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 404 {
			t.Errorf("err = %v", err)
		}
	}
	if n != 1 {
		t.Errorf("%d yields, want the one error", n)
	}
}
