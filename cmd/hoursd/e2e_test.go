package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestEndToEnd builds hoursd and runs `hoursd run` as systemd would: a
// notify socket, a webhook channel to a local server, a check every two
// seconds. It is the one test that runs in real time, so every wait is
// bounded and none is a fixed sleep: it waits for what hoursd tells systemd,
// logs and posts.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the hoursd binary")
	}
	tmp, err := os.MkdirTemp("", "hoursd-e2e") // short: a unix socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	bin := filepath.Join(tmp, "hoursd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	hooks := make(chan map[string]string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The payload's text fields; its version and data are
		// notifier/webhook's tests' business.
		var p map[string]any
		m := map[string]string{}
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			m["decode error"] = err.Error()
		}
		for k, v := range p {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		if s, ok := p["schedules"]; ok {
			b, _ := json.Marshal(s) // keys sorted
			m["schedules"] = string(b)
		}
		// More posts than the buffer holds is a failure the test reports;
		// it must not leave the handler blocked and hook.Close hanging.
		select {
		case hooks <- m:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()

	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(tmp, "notify"), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	notes := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, _, err := sock.ReadFromUnix(buf)
			if err != nil {
				close(notes)
				return
			}
			for _, l := range strings.Split(string(buf[:n]), "\n") {
				notes <- l
			}
		}
	}()

	// Tomorrow, in Stockholm, is closed: the first check announces it.
	tomorrow := tomorrowInStockholm(t, 2*time.Minute)
	listen := freeAddr(t)
	cfgPath := filepath.Join(tmp, "config.yaml")
	config := func(exception string) string {
		return fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
log: {level: info, format: json}
http: {listen: "%s"}
schedules:
  - id: desk
    title: The help desk
    weekly: {mon-sun: ["08:00-16:00"]}
    exceptions:
      - {date: %s, %s, name: Inventory day}
channels:
  - {id: hook, type: webhook, url: "%s/hook"}
subscribers:
  - id: team
    language: en
    schedules: [desk]
    check: "@every 2s"
    remind: [1]
    targets: [{channel: hook}]
`, filepath.Join(tmp, "state"), listen, tomorrow, exception, hook.URL)
	}
	writeFile(t, cfgPath, config("closed: true"))

	cmd := exec.Command(bin, "run", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+filepath.Join(tmp, "notify"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	logs := newLogWatch(stderr)
	go func() { logs.wait(); exited <- cmd.Wait() }()
	stopped := false // set once exited was received; cmd.ProcessState is Wait's to write
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			select {
			case <-exited:
			case <-time.After(20 * time.Second):
				t.Errorf("hoursd (pid %d) did not exit within 20s of SIGKILL", cmd.Process.Pid)
			}
		}
		if t.Failed() {
			t.Logf("hoursd's log:\n%s", logs.all())
		}
	}()

	waitNote(t, notes, "READY=1")
	m := waitHook(t, hooks, "the first check")
	if !strings.Contains(m["body"], "closed") || !strings.Contains(m["subject"], "The help desk") {
		t.Errorf("webhook got %q, want tomorrow's closing at the help desk", m)
	}
	if want := `[{"id":"desk","items":[{"date":"` + tomorrow + `","hours":[],"kind":"day","name":"Inventory day","regular":[{"close":"16:00","open":"08:00"}],"schedule":"desk","status":"new"}],"title":"The help desk"}]`; m["schedules"] != want {
		t.Errorf("webhook's schedules = %s, want the day as data: %s", m["schedules"], want)
	}
	// Two more checks (a check logs "check done" when its sends are over)
	// tell nothing new: the announcement was made once.
	logs.waitFor(t, `"msg":"check done"`)
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0`)
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0`)
	noHook(t, hooks, "two later checks")

	if code, body := httpGet(t, "http://"+listen+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", code, body)
	}
	if out, err := exec.Command(bin, "healthcheck", "--config", cfgPath).CombinedOutput(); err != nil {
		t.Errorf("hoursd healthcheck: %v\n%s", err, out)
	}
	// Beside the running daemon: status asks it over HTTP, check is refused.
	if out, err := exec.Command(bin, "status", "--config", cfgPath).CombinedOutput(); err != nil || !strings.Contains(string(out), "recent deliveries (1)") {
		t.Errorf("hoursd status beside the daemon: %v\n%s\nwant one recent delivery", err, out)
	}
	out, err := exec.Command(bin, "check", "--config", cfgPath).CombinedOutput()
	if want := fmt.Sprintf("is in use by another hoursd (pid %d)", cmd.Process.Pid); err == nil || !strings.Contains(string(out), want) {
		t.Errorf("hoursd check beside the daemon: %v\n%s\nwant it refused: %s", err, out, want)
	}

	// A broken file on SIGHUP: logged, the old configuration kept, and the
	// checks go on with it.
	writeFile(t, cfgPath, "schedules: [\n")
	cmd.Process.Signal(syscall.SIGHUP)
	waitNote(t, notes, "RELOADING=1")
	waitNote(t, notes, "READY=1")
	logs.waitFor(t, `"msg":"reload failed; the configuration in force is kept"`)
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0,"unsent":0`)
	noHook(t, hooks, "a check after the failed reload")
	if out, err := exec.Command(bin, "healthcheck", "--url", "http://"+listen+"/healthz").CombinedOutput(); err != nil {
		t.Errorf("hoursd healthcheck after a failed reload: %v\n%s", err, out)
	}
	// A file that parses but is invalid: the log line lists its problems
	// by key, and the checks go on with the old file.
	writeFile(t, cfgPath, strings.Replace(config("closed: true"), `check: "@every 2s"`, `check: "61 18 * * *"`, 1))
	cmd.Process.Signal(syscall.SIGHUP)
	waitNote(t, notes, "RELOADING=1")
	waitNote(t, notes, "READY=1")
	logs.waitFor(t, `"problems":["subscribers[0].check: \"61 18 * * *\" is not a cron spec`)
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0,"unsent":0`)
	noHook(t, hooks, "a check after the invalid reload")

	// A good file: tomorrow opens 10:00-12:00 after all. The next check
	// corrects what was told, once.
	writeFile(t, cfgPath, config(`hours: ["10:00-12:00"]`))
	cmd.Process.Signal(syscall.SIGHUP)
	waitNote(t, notes, "RELOADING=1")
	waitNote(t, notes, "READY=1")
	m = waitHook(t, hooks, "the check after a good reload")
	if !strings.Contains(m["body"], "open 10:00–12:00") || !strings.Contains(m["subject"], "Corrected hours") {
		t.Errorf("webhook got %q after the reload, want a correction to 10:00-12:00", m)
	}
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0`)
	logs.waitFor(t, `"msg":"check done","check":"@every 2s","subscribers":1,"messages":0`)
	noHook(t, hooks, "two checks after the correction")

	// The status page and the metrics are mounted beside /healthz.
	if code, body := httpGet(t, "http://"+listen+"/"); code != 200 || !strings.Contains(body, "The help desk") {
		t.Errorf("GET / = %d, want 200 with the status page of the help desk", code)
	}
	_, metrics := httpGet(t, "http://"+listen+"/metrics")
	for _, want := range []string{`hoursd_deliveries_total{channel="hook",result="sent"} 2`, `hoursd_config_reloads_total{result="error"} 2`, `hoursd_config_reloads_total{result="ok"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("GET /metrics lacks %s", want)
		}
	}

	cmd.Process.Signal(syscall.SIGTERM)
	waitNote(t, notes, "STOPPING=1")
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("hoursd run after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("hoursd did not stop within 20s of SIGTERM")
	}
}

// tomorrowInStockholm is the date of tomorrow in Stockholm, the day a check
// today announces with remind [1]. A test that needs it for as long as it
// runs is skipped when midnight is nearer than that: past midnight, the
// day it announces would be today, and nothing would be announced.
func tomorrowInStockholm(t *testing.T, runs time.Duration) string {
	t.Helper()
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(stockholm)
	y, m, d := now.Date()
	if midnight := time.Date(y, m, d+1, 0, 0, 0, 0, stockholm); midnight.Sub(now) < runs {
		t.Skipf("midnight in Stockholm is %s away: too near for a test of tomorrow's announcement", midnight.Sub(now).Round(time.Second))
	}
	return now.AddDate(0, 0, 1).Format(time.DateOnly)
}

// waitHook waits for the webhook's next post.
func waitHook(t *testing.T, hooks <-chan map[string]string, what string) map[string]string {
	t.Helper()
	select {
	case m := <-hooks:
		return m
	case <-time.After(30 * time.Second):
		t.Fatalf("no webhook post from %s within 30s", what)
		return nil
	}
}

// noHook fails if the webhook got a post it should not have. A check logs
// "check done" only after its sends ended, so the post would be here.
func noHook(t *testing.T, hooks <-chan map[string]string, what string) {
	t.Helper()
	select {
	case m := <-hooks:
		t.Errorf("webhook got %q from %s, want nothing more", m, what)
	default:
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitNote(t *testing.T, notes <-chan string, want string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case n, ok := <-notes:
			if !ok {
				t.Fatalf("notify socket closed before %s", want)
			}
			if n == want {
				return
			}
		case <-deadline:
			t.Fatalf("systemd was not told %s within 30s", want)
		}
	}
}

// logWatch collects hoursd's log lines and lets a test wait for one.
type logWatch struct {
	mu    sync.Mutex
	lines []string
	seen  int // lines consumed by waitFor
	more  chan struct{}
	done  chan struct{}
}

func newLogWatch(r io.Reader) *logWatch {
	w := &logWatch{more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.mu.Lock()
			w.lines = append(w.lines, sc.Text())
			w.mu.Unlock()
			select {
			case w.more <- struct{}{}:
			default:
			}
		}
	}()
	return w
}

func (w *logWatch) wait() { <-w.done }

func (w *logWatch) all() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

// waitFor waits for a line containing s after the lines already consumed.
func (w *logWatch) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		for ; w.seen < len(w.lines); w.seen++ {
			if strings.Contains(w.lines[w.seen], s) {
				w.seen++
				w.mu.Unlock()
				return
			}
		}
		w.mu.Unlock()
		select {
		case <-w.more:
		case <-w.done:
			t.Fatalf("hoursd exited before logging %s", s)
		case <-deadline:
			t.Fatalf("hoursd did not log %s within 30s", s)
		}
	}
}
