package client

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTime_Marshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"SevenDigits", time.Date(2018, 12, 25, 11, 41, 2, 233141300, time.UTC), `"2018-12-25T11:41:02.2331413Z"`},
		{"WholeSecond", time.Date(2018, 12, 25, 11, 41, 2, 0, time.UTC), `"2018-12-25T11:41:02.0000000Z"`},
		{"TruncatesBelow100ns", time.Date(2018, 12, 25, 11, 41, 2, 233141399, time.UTC), `"2018-12-25T11:41:02.2331413Z"`},
		{"ConvertsToUTC", time.Date(2018, 12, 25, 12, 41, 2, 100, time.FixedZone("CET", 3600)), `"2018-12-25T11:41:02.0000001Z"`},
		{"Zero", time.Time{}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(NewTime(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTime_Unmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{"SevenDigits", `"2018-12-25T11:41:02.2331413Z"`, time.Date(2018, 12, 25, 11, 41, 2, 233141300, time.UTC), false},
		{"NoFraction", `"2018-12-25T11:41:02Z"`, time.Date(2018, 12, 25, 11, 41, 2, 0, time.UTC), false},
		{"TwoDigits", `"2017-12-21T12:57:27.00Z"`, time.Date(2017, 12, 21, 12, 57, 27, 0, time.UTC), false},
		{"NineDigits", `"2018-12-25T11:41:02.123456789Z"`, time.Date(2018, 12, 25, 11, 41, 2, 123456789, time.UTC), false},
		{"Offset", `"2000-01-23T04:56:07.000+00:00"`, time.Date(2000, 1, 23, 4, 56, 7, 0, time.UTC), false},
		{"NonUTCOffset", `"2018-12-25T12:41:02+01:00"`, time.Date(2018, 12, 25, 11, 41, 2, 0, time.UTC), false},
		{"Null", `null`, time.Time{}, false},
		{"Empty", `""`, time.Time{}, false},
		{"NotRFC3339", `"25/12/2018"`, time.Time{}, true},
		{"Number", `1545738062`, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got Time
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTime_OmitZero checks that an optional time left zero is omitted.
func TestTime_OmitZero(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(OperationStatus{CreatedTime: NewTime(time.Date(2018, 12, 25, 11, 41, 2, 0, time.UTC)), Status: OperationNotStarted})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"status":"notstarted","createdTime":"2018-12-25T11:41:02.0000000Z"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
