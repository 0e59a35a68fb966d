//go:build unix

package web

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// The browser test loads the status page in Debian's chromium, headless,
// with a phone's viewport, and checks the DOM the browser built (not the
// bytes hoursd sent) and a screenshot. It needs no network: the page has no
// external assets and the server is local.

var screenshotDir = flag.String("browser.out", "",
	"directory to keep the browser test's screenshots in (default: a temporary directory)")

// browserTimeout bounds each chromium run; a cold start on a 2-core CI
// machine takes a few seconds.
const browserTimeout = 60 * time.Second

// phoneWidth is the CSS width of the phone the page must fit (an iPhone 12
// to 15, the narrowest common size but for the smallest models).
const phoneWidth = 390

// layoutProbe lays the status page out at phoneWidth and writes into its own
// DOM what chromium's --dump-dom cannot show: the viewport's width, the
// page's width, and the elements that stick out beyond the viewport. The page
// itself runs no script and forbids framing (CSP frame-ancestors), so the
// probe fetches its HTML and renders it in a srcdoc iframe of the phone's
// width, where its media queries see a phone. Elements inside .scroll boxes
// may be wider: those scroll on their own, by design.
const layoutProbe = `<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" style="width:390px;height:844px;border:0"></iframe>
<pre id="out"></pre>
<script>
fetch("/").then(r => r.text()).then(html => {
  const f = document.getElementById("f");
  f.onload = () => {
    const d = f.contentDocument, vw = d.documentElement.clientWidth;
    const wide = [...d.body.querySelectorAll("*")]
      .filter(e => !e.closest(".scroll") && e.getBoundingClientRect().right > vw + 0.5)
      .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")).slice(0, 10);
    document.getElementById("out").textContent =
      "viewport=" + vw + " page=" + d.documentElement.scrollWidth + " wide=[" + wide.join(" ") + "]";
  };
  f.srcdoc = html;
});
</script></body></html>`

var probePattern = regexp.MustCompile(`viewport=(\d+) page=(\d+) wide=\[([^\]]*)\]`)

// findChromium returns chromium's path, or skips the test where it is not
// installed — except under CI, where a missing browser is a broken setup.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium not found: the browser test of the status page needs Debian's chromium (apt-get install chromium)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI is set, so this is a failure, not a skip")
	}
	t.Skip(msg)
	return ""
}

// runChromium runs headless chromium with a phone's viewport and the given
// final arguments and returns its standard output.
func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), browserTimeout)
	defer cancel()
	profile := t.TempDir()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + profile, "--window-size=" + strconv.Itoa(phoneWidth) + ",844",
	}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	// Chromium forks renderer and zygote processes that inherit stdout; on
	// a timeout the whole process group goes, and Wait does not hang on
	// the pipe a stray child keeps open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (timeout %s)\n%s", strings.Join(args, " "), err, browserTimeout, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func TestBrowserStatusPage(t *testing.T) {
	chromium := findChromium(t)
	now := at(t, 2026, time.April, 29, 9, 0)
	mux := http.NewServeMux()
	mux.Handle("/", New(Options{
		Schedules: []*schedule.Schedule{kundcenter(t, eve)},
		Location:  stockholm(t),
		Now:       func() time.Time { return now },
		Status:    fakeStatus(t),
	}))
	mux.HandleFunc("GET /layout-probe", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, layoutProbe)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Run("dom", func(t *testing.T) {
		dom := string(runChromium(t, chromium, "--dump-dom", srv.URL+"/"))
		cells := gridCells(dom)
		if len(cells) != 56 {
			t.Fatalf("rendered grid has %d days, want 56 (8 weeks from Monday 27 April)\n%s", len(cells), tail(dom, 3000))
		}
		// The deviating days of 27 April – 21 June 2026 under the
		// kundcenter schedule; Whit Sunday and the National Day fall on
		// a weekend and change nothing.
		deviating := []string{"2026-04-30", "2026-05-01", "2026-05-14", "2026-06-19"}
		for date, c := range cells {
			want := slices.Contains(deviating, date)
			if c.has("dev") != want {
				t.Errorf("rendered cell %s has classes %v: marked deviating = %v, want %v", date, c.classes, c.has("dev"), want)
			}
			if want && !strings.Contains(c.text, markDeviating) {
				t.Errorf("rendered cell %s = %q: no %s marker, so it is marked only by style", date, c.text, markDeviating)
			}
		}
		if !cells["2026-04-29"].has("today") {
			t.Errorf("rendered cell 2026-04-29 has classes %v, want today", cells["2026-04-29"].classes)
		}
		for _, secret := range []string{annaAddress, pushoverUser, "secretTOKEN"} {
			if strings.Contains(dom, secret) {
				t.Errorf("rendered page shows %q", secret)
			}
		}
	})

	t.Run("phone layout", func(t *testing.T) {
		dom := string(runChromium(t, chromium, "--virtual-time-budget=10000", "--dump-dom", srv.URL+"/layout-probe"))
		m := probePattern.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("layout probe reported nothing\n%s", tail(dom, 2000))
		}
		width, _ := strconv.Atoi(m[1])
		if width != phoneWidth {
			t.Fatalf("layout probe measured a viewport %dpx wide, want %d", width, phoneWidth)
		}
		if wide := strings.TrimSpace(m[3]); m[2] != m[1] || wide != "" {
			t.Errorf("status page at %dpx is %spx wide: a phone has to scroll sideways; too wide: %s", phoneWidth, m[2], wide)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		dir := *screenshotDir
		if dir == "" {
			dir = t.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "page.png")
		_ = os.Remove(path)
		runChromium(t, chromium, "--screenshot="+path, srv.URL+"/")
		f, err := os.Open(path)
		if err != nil {
			t.Fatalf("chromium wrote no screenshot: %v", err)
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			t.Fatalf("screenshot %s: %v", path, err)
		}
		if cfg.Width != phoneWidth || cfg.Height != 844 {
			t.Errorf("screenshot is %dx%d, want the phone viewport 390x844", cfg.Width, cfg.Height)
		}
		t.Logf("screenshot of the status page at 390x844: %s", path)
	})
}
