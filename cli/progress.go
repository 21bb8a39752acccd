package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	// progressbar rather than mpb: the CLI shows one bar at a time, and
	// progressbar gives count, rate and ETA on any io.Writer with a few
	// options and no render goroutine to manage, where mpb's strength is
	// many concurrent bars.
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"facesnap/client"
)

// isTerminal reports whether w is a terminal, so that a bar redrawn in
// place makes sense there; pipes and files get plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBar returns a progress bar over total items on w.
func newBar(w io.Writer, total int64, label string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("items"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

// waitOperation waits for an operation, showing its progress on w: a bar
// on a terminal, a line per change elsewhere.
func waitOperation(ctx context.Context, c *client.Client, w io.Writer, label, opID string) (client.OperationStatus, error) {
	tty := isTerminal(w)
	var (
		bar      *progressbar.ProgressBar
		lastLine string
	)
	show := func(st client.OperationStatus) {
		p := st.Progress
		if tty && p != nil && p.Total > 0 {
			if bar == nil {
				bar = newBar(w, p.Total, label)
			}
			if bar.GetMax64() != p.Total {
				bar.ChangeMax64(p.Total)
			}
			_ = bar.Set64(p.Done)
			return
		}
		line := fmt.Sprintf("%s: %s", label, st.Status)
		if p != nil {
			line += fmt.Sprintf(" %d/%d", p.Done, p.Total)
		}
		if line != lastLine && bar == nil {
			fmt.Fprintln(w, line)
			lastLine = line
		}
	}
	st, err := c.WaitOperation(ctx, opID, client.WaitOptions{Progress: show})
	if bar != nil {
		if err == nil {
			_ = bar.Finish()
		} else {
			_ = bar.Exit()
			fmt.Fprintln(w)
		}
	}
	return st, err
}

// itemProgress counts a bulk job's items on w: a bar on a terminal, a
// line per item elsewhere.
type itemProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int
	done  int
}

func newItemProgress(w io.Writer, total int, label string) *itemProgress {
	p := &itemProgress{w: w, total: total}
	if isTerminal(w) && total > 0 {
		p.bar = newBar(w, int64(total), label)
	}
	return p
}

// step records one item; note is shown as a line when there is no bar,
// and above the bar when there is one and the item went wrong.
func (p *itemProgress) step(note string, bad bool) {
	p.done++
	if p.bar == nil {
		fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done, p.total, note)
		return
	}
	if bad {
		_ = p.bar.Clear()
		fmt.Fprintln(p.w, note)
	}
	_ = p.bar.Add(1)
}

func (p *itemProgress) finish() {
	if p.bar != nil && !p.bar.IsFinished() {
		_ = p.bar.Finish()
	}
}
