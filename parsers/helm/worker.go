package helm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"helm.sh/helm/v4/pkg/chart/loader/archive"

	"github.com/pvlint/pvlint/internal/escape"
	"github.com/pvlint/pvlint/parsers/limits"
)

// Render workers. Helm's engine cannot be stopped from outside: a render
// that times out is abandoned, and one that loops without calling a
// template function ({{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }})
// keeps a core busy until the process exits, so a few such charts make
// healthy charts time out; a template or tpl recursion with no end
// overflows the goroutine stack, which no recover catches: the whole scan
// dies without a report. So each chart's engine run happens in a worker
// process: pvlint's own executable started again in worker mode
// (workerserve.go), which the parent can kill, with a small stack
// (limits.ChartRenderStack) and a memory bound (limits.ChartRenderMemory),
// so that a hostile chart ends that worker alone and becomes an error for
// that chart (exit 3).
//
// The parent keeps everything else: it reads every file through the file
// gate (the worker never opens a file; the gate's observer, and so
// --cache, sees every read), processes values, checks schemas, and maps
// the output back to template lines. The worker is sent the chart's files
// as loaded, the file:// dependencies, the user values and the release
// options, and repeats Helm's loading and values processing (which are
// deterministic) before it renders, so its output is byte for byte what
// the engine gives in this process.
//
// Workers are pooled for the life of the process, started lazily, one per
// render running at once (so at most the scan's parallelism), and kept
// while idle up to GOMAXPROCS: a process start costs more than rendering a
// small chart. A worker that times out or dies is killed and replaced on
// the next use. A worker also exits when its request pipe closes (the
// parent exited) and, on Linux, by a parent-death signal.
//
// In-process rendering is kept for where a worker cannot be started (no
// re-runnable executable, platforms without the pipes and process groups
// used here): there, a timed-out render stops only at its next template
// function call, and recursion and memory are not bounded (a notice says
// so for each chart).

const (
	// workerEnv, set to workerProtocol, starts an executable as a render
	// worker (workerserve.go).
	workerEnv      = "PVLINT_HELM_RENDER_WORKER"
	workerProtocol = "1"
	// workerReady is the byte a worker writes when it serves requests.
	workerReady = 'R'
	// workerExitMemory is the exit status of a worker over its memory bound.
	workerExitMemory = 70
	// workerStart bounds a worker's start (a test binary under the race
	// detector on a loaded machine takes seconds); it is not the chart's time.
	workerStart = 60 * time.Second
	// maxRequest and maxResponse bound a frame: a chart's files (Helm's own
	// 100 MiB budget, and file:// dependencies) and its output
	// (limits.ChartOutputBytes, checked by the worker before it answers).
	maxRequest  = 1 << 30
	maxResponse = limits.ChartOutputBytes + 16<<20
	// stderrHead is how much of a worker's standard error is kept, to tell
	// why it died.
	stderrHead = 4 << 10
)

// depLoad is a file:// dependency as resolveFileDeps loaded it: its files,
// and the index of the chart it was added to (0 the root chart, i the i-th
// dependency loaded).
type depLoad struct {
	parent int
	files  []*archive.BufferedFile
}

// workerRequest encodes what the worker needs to render the chart the way
// this process would: its files as loaded, the file:// dependencies, the
// user values before Helm processes them, and the release options.
func (r *renderer) workerRequest(vals map[string]any) ([]byte, error) {
	w := &wireWriter{}
	w.bufferedFiles(r.loaded)
	w.uvarint(uint64(len(r.depLoads)))
	for _, d := range r.depLoads {
		w.uvarint(uint64(d.parent))
		w.bufferedFiles(d.files)
	}
	if err := w.value(vals); err != nil {
		return nil, err
	}
	w.str(r.opt.ReleaseName)
	w.str(r.opt.Namespace)
	w.str(r.opt.KubeVersion)
	w.strs(r.opt.APIVersions)
	return w.buf, nil
}

// stopped is a render that the worker could not finish: the chart went over
// a bound that only a process can enforce, or the worker died.
type stopped struct{ why string }

func (s *stopped) Error() string { return s.why }

var errTimedOut = errors.New("timed out")

// renderInWorker renders the encoded request in a pooled worker within
// timeout (0: none). It returns the rendered files and the engine's error
// as in process; errTimedOut; a *stopped for a worker that died; or
// errNoWorker when no worker can be started (the caller renders in
// process).
func renderInWorker(req []byte, timeout time.Duration) (map[string]string, error) {
	w, err := pool.get()
	if err != nil {
		return nil, err
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	// The deadline covers sending the chart, the worker's loading and
	// rendering, and the answer: all of it is the chart's (its size is
	// bounded by Helm's chart budget and the output bound).
	w.in.SetWriteDeadline(deadline)
	w.out.SetReadDeadline(deadline)
	err = writeFrame(w.in, req)
	var resp []byte
	if err == nil {
		resp, err = readFrame(w.out, maxResponse)
	}
	if err != nil {
		w.kill()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, errTimedOut
		}
		return nil, w.failure()
	}
	files, renderErr, err := decodeResponse(resp)
	if err != nil {
		w.kill()
		return nil, &stopped{"internal error: " + err.Error()}
	}
	pool.put(w)
	return files, renderErr
}

var errNoWorker = errors.New("no render worker")

// renderPool holds the idle workers of the process.
type renderPool struct {
	mu       sync.Mutex
	idle     []*renderWorker
	disabled error // why no worker can be started; set once
	started  int   // workers started, for tests
	killed   []int // the last workers killed, for tests
}

var pool renderPool

func (p *renderPool) get() (*renderWorker, error) {
	p.mu.Lock()
	for n := len(p.idle); n > 0; n = len(p.idle) {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		select {
		case <-w.exited: // it died while idle (killed from outside): not the next chart's fault
			w.in.Close()
			w.out.Close()
			continue
		default:
		}
		p.mu.Unlock()
		return w, nil
	}
	if p.disabled != nil {
		p.mu.Unlock()
		return nil, p.disabled
	}
	p.started++
	first := p.started == 1
	p.mu.Unlock()
	if first {
		// Workers add their memory to pvlint's: give back what the scan
		// so far freed (a large YAML file decoded earlier) before the first
		// one starts, once.
		debug.FreeOSMemory()
	}
	w, err := startWorker()
	if err != nil {
		p.mu.Lock()
		if p.disabled == nil {
			p.disabled = fmt.Errorf("%w: %v", errNoWorker, err)
		}
		err = p.disabled
		p.mu.Unlock()
		return nil, err
	}
	return w, nil
}

func (p *renderPool) put(w *renderWorker) {
	p.mu.Lock()
	if len(p.idle) < maxIdle() {
		p.idle = append(p.idle, w)
		w = nil
	}
	p.mu.Unlock()
	if w != nil {
		w.close()
	}
}

// renderWorker is one worker process and the pipes to it.
type renderWorker struct {
	cmd    *exec.Cmd
	in     *os.File // requests (the worker's fd 3)
	out    *os.File // answers (the worker's fd 4)
	stderr *headBuffer
	exited chan struct{} // closed once the process is reaped
}

func startWorker() (*renderWorker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	w := &renderWorker{in: reqW, out: respR, stderr: &headBuffer{max: stderrHead}, exited: make(chan struct{})}
	cmd := exec.Command(exe)
	cmd.Env = workerEnviron()
	cmd.ExtraFiles = []*os.File{reqR, respW}
	cmd.Stderr = w.stderr
	cmd.Dir = "/" // never the scanned tree: the worker reads no file
	cmd.SysProcAttr = workerProcAttr()
	w.cmd = cmd
	err = spawn(cmd)
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, err
	}
	go func() {
		cmd.Wait()
		close(w.exited)
	}()
	respR.SetReadDeadline(time.Now().Add(workerStart))
	var b [1]byte
	if _, err := io.ReadFull(respR, b[:]); err != nil || b[0] != workerReady {
		w.kill()
		if err == nil {
			err = fmt.Errorf("unexpected handshake %q", b[0])
		}
		return nil, fmt.Errorf("the render worker (%s) did not start: %v%s", exe, err, w.stderrSummary())
	}
	return w, nil
}

// workerEnviron is the worker's whole environment: it needs nothing of the
// parent's (which holds the CI job's tokens), and Helm's env functions are
// removed anyway.
func workerEnviron() []string {
	// TZ=UTC: a template's time methods (`now.Local`) see UTC, not this
	// machine's zone (determinism.go). Assigning time.Local in the worker
	// instead crashes it under the race detector.
	env := []string{workerEnv + "=" + workerProtocol, "GOTRACEBACK=none", "TZ=UTC"}
	if v, ok := os.LookupEnv("GORACE"); ok {
		env = append(env, "GORACE="+v)
	}
	return env
}

// kill ends the worker and its process group, and waits until it is reaped.
func (w *renderWorker) kill() {
	select {
	case <-w.exited: // already reaped: its pid may be another process's now
	default:
		killGroup(w.cmd.Process)
	}
	<-w.exited
	pool.mu.Lock()
	pool.killed = append(pool.killed[max(0, len(pool.killed)-63):], w.cmd.Process.Pid)
	pool.mu.Unlock()
	w.in.Close()
	w.out.Close()
}

// close ends an idle worker: it exits when its request pipe closes.
func (w *renderWorker) close() {
	w.in.Close()
	go func() {
		select {
		case <-w.exited:
		case <-time.After(5 * time.Second):
			w.kill()
			return
		}
		w.out.Close()
	}()
}

// failure says why a worker that stopped answering died (it is reaped).
func (w *renderWorker) failure() error {
	var st *os.ProcessState
	if w.cmd != nil {
		st = w.cmd.ProcessState
	}
	head := w.stderr.String()
	switch {
	case st != nil && st.ExitCode() == workerExitMemory, strings.Contains(head, "out of memory"):
		return &stopped{limits.ChartRenderMemoryExceeded(limits.ChartRenderMemory)}
	case strings.Contains(head, "stack exceeds") || strings.Contains(head, "stack overflow"):
		return &stopped{limits.ChartRenderTooDeep(limits.ChartRenderStack)}
	}
	status := "it ended"
	if st != nil {
		status = st.String()
	}
	return &stopped{fmt.Sprintf("the render worker stopped unexpectedly (%s)%s", status, w.stderrSummary())}
}

// stderrSummary is the first line of the worker's standard error, bounded
// and escaped: it can quote the chart.
func (w *renderWorker) stderrSummary() string {
	line, _, _ := strings.Cut(strings.TrimSpace(w.stderr.String()), "\n")
	if line == "" {
		return ""
	}
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	return ": " + escape.Terminal(line)
}

// headBuffer keeps the first max bytes written to it and drops the rest.
type headBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}

func writeFrame(w io.Writer, payload []byte) error {
	var head [4]byte
	binary.BigEndian.PutUint32(head[:], uint32(len(payload)))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// readFrame reads one frame of at most max bytes; io.EOF when the stream
// ends before one starts.
func readFrame(r io.Reader, max int64) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(head[:]))
	if n > max {
		return nil, fmt.Errorf("a frame of %d bytes, over %d", n, max)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// decodeResponse reads a worker's answer: the rendered files, and the
// engine's error (its text, as the engine gave it).
func decodeResponse(b []byte) (map[string]string, error, error) {
	r := &wireReader{buf: b}
	n := r.count()
	files := make(map[string]string, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.str()
		files[k] = r.str()
	}
	var renderErr error
	if r.uvarint() == 1 {
		renderErr = errors.New(r.str())
	}
	if r.err == nil && len(r.buf) > 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	return files, renderErr, nil
}

func encodeResponse(files map[string]string, err error) []byte {
	w := &wireWriter{}
	names := slices.Sorted(maps.Keys(files))
	w.uvarint(uint64(len(names)))
	for _, k := range names {
		w.str(k)
		w.str(files[k])
	}
	if err != nil {
		w.uvarint(1)
		w.str(err.Error())
	} else {
		w.uvarint(0)
	}
	return w.buf
}

// maxIdle is how many idle workers are kept: one per core.
func maxIdle() int { return runtime.GOMAXPROCS(0) }

type spawnCall struct {
	cmd  *exec.Cmd
	done chan error
}

var (
	spawns    = make(chan spawnCall)
	spawnOnce sync.Once
)

// spawn starts cmd from one goroutine locked to its thread for the life of
// the process: Linux sends the parent-death signal when the thread that
// started the child ends, not the process, and Go may end threads.
func spawn(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		go func() {
			runtime.LockOSThread()
			for c := range spawns {
				c.done <- c.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawns <- spawnCall{cmd, done}
	return <-done
}
