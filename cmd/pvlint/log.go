package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/pvlint/pvlint/internal/escape"
)

// logger is the one writer of standard error. Every line is a label of
// pvlint's ("error:", "notice:", "undecided:", "pvlint:", "helm:") and then
// text through escape.Terminal: an input's text can neither act on the
// terminal nor start a line, so it can never be read by the GitHub runner as
// a workflow command (::add-mask::, ::stop-commands::, ::error), which the
// runner takes from standard error as well as from standard output.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func newLogger(w io.Writer) *logger { return &logger{w: w} }

// print writes one line: label, a space and msg, escaped.
func (l *logger) print(label, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s %s\n", label, escape.Terminal(msg))
}

func (l *logger) printf(label, format string, args ...any) {
	l.print(label, fmt.Sprintf(format, args...))
}

// raw writes pvlint's own terminal control (the progress line), never text
// from an input.
func (l *logger) raw(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s)
}

// routeHelmLogs sends what Helm logs (through log/slog, and the log package,
// which slog then captures) to the logger as "helm:" lines when verbose,
// and nowhere otherwise: Helm's warnings name chart paths and values, text
// from the input like any other.
func routeHelmLogs(l *logger, verbose bool) {
	if !verbose {
		slog.SetDefault(slog.New(slog.DiscardHandler))
		return
	}
	h := slog.NewTextHandler(helmLines{l}, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	slog.SetDefault(slog.New(helmHandler{h}))
}

// helmLines writes each record slog formats as one "helm:" line.
type helmLines struct{ l *logger }

func (h helmLines) Write(p []byte) (int, error) {
	h.l.print("helm:", string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// helmHandler is slog's text handler at every level but debug.
type helmHandler struct{ slog.Handler }

func (h helmHandler) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelInfo }
func (h helmHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return helmHandler{h.Handler.WithAttrs(as)}
}
func (h helmHandler) WithGroup(g string) slog.Handler { return helmHandler{h.Handler.WithGroup(g)} }
