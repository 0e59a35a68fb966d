package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDockerContract checks that deploy/docker/Dockerfile and
// deploy/docker/compose.yaml agree with each other and with
// docs/deployment.md, where no Docker engine is at hand to build and run
// them: the image runs /hoursd as the non-root user 65532 on distroless
// static, its state directory is the volume, its health check is `hoursd
// healthcheck`; compose runs it read-only without capabilities or new
// privileges, mounts the config directory read-only and the state as a named
// volume, and declares every secret it hands over.
func TestDockerContract(t *testing.T) {
	df := readDockerfile(t, "../../deploy/docker/Dockerfile")
	compose := readCompose(t, "../../deploy/docker/compose.yaml")
	svc, ok := compose.Services["hoursd"]
	if !ok {
		t.Fatal("compose.yaml has no service hoursd")
	}

	env := strings.Join(df["ENV"], " ")
	state := firstGroup(`HOURSD_STATE_DIR=(\S+)`, env)
	config := firstGroup(`HOURSD_CONFIG=(\S+)`, env)
	configDir := config[:max(strings.LastIndex(config, "/"), 0)]

	tests := []struct {
		name string
		ok   bool
		want string
	}{
		{"state dir", state != "", "Dockerfile: ENV HOURSD_STATE_DIR set"},
		{"config", config != "", "Dockerfile: ENV HOURSD_CONFIG set"},
		{"user", last(df["USER"]) == "65532:65532", "Dockerfile: the last USER is 65532:65532, the image's nonroot user"},
		{"volume", state != "" && slices.Equal(df["VOLUME"], []string{state}), "Dockerfile: VOLUME is the HOURSD_STATE_DIR and nothing else"},
		{"entrypoint", slices.Equal(df["ENTRYPOINT"], []string{`["/hoursd"]`}), `Dockerfile: ENTRYPOINT ["/hoursd"]`},
		{"healthcheck", slices.ContainsFunc(df["HEALTHCHECK"], func(h string) bool {
			return strings.Contains(h, `CMD ["/hoursd", "healthcheck"]`)
		}), "Dockerfile: HEALTHCHECK runs hoursd healthcheck"},
		{"distroless", strings.HasPrefix(last(df["FROM"]), "gcr.io/distroless/static"), "Dockerfile: the final stage is distroless/static"},
		{"read only", svc.ReadOnly, "compose: read_only: true"},
		{"capabilities", slices.Equal(svc.CapDrop, []string{"ALL"}), "compose: cap_drop: [ALL]"},
		{"privileges", slices.Contains(svc.SecurityOpt, "no-new-privileges:true"), "compose: security_opt no-new-privileges:true"},
		{"restart", svc.Restart == "unless-stopped", "compose: restart: unless-stopped"},
		{"config mount", configDir != "" && slices.ContainsFunc(svc.Volumes, func(v string) bool {
			return slices.Equal(strings.Split(v, ":")[1:], []string{configDir, "ro"})
		}), "compose: the directory of HOURSD_CONFIG (" + configDir + ") mounted read-only"},
		{"state volume", state != "" && slices.ContainsFunc(svc.Volumes, func(v string) bool {
			parts := strings.Split(v, ":")
			_, named := compose.Volumes[parts[0]]
			return len(parts) >= 2 && parts[1] == state && named
		}), "compose: " + state + " is a named volume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("want %s", tt.want)
			}
		})
	}
	for _, name := range svc.Secrets {
		if _, ok := compose.Secrets[name]; !ok {
			t.Errorf("compose: service hoursd uses secret %s, which the top-level secrets do not declare", name)
		}
	}
}

// composeFile is what TestDockerContract reads of a compose file.
type composeFile struct {
	Services map[string]struct {
		ReadOnly    bool     `yaml:"read_only"`
		CapDrop     []string `yaml:"cap_drop"`
		SecurityOpt []string `yaml:"security_opt"`
		Restart     string   `yaml:"restart"`
		Volumes     []string `yaml:"volumes"`
		Secrets     []string `yaml:"secrets"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
	Secrets map[string]any `yaml:"secrets"`
}

func readCompose(t *testing.T, path string) composeFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// readDockerfile reads a Dockerfile into its instructions, each with its
// arguments in file order, whitespace collapsed and continuation lines
// joined (comments between them are left out, as Docker does).
func readDockerfile(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	text := strings.ReplaceAll(strings.Join(lines, "\n"), "\\\n", " ")
	out := map[string][]string{}
	for _, l := range strings.Split(text, "\n") {
		instr, args, ok := strings.Cut(strings.TrimSpace(l), " ")
		if ok && instr == strings.ToUpper(instr) {
			out[instr] = append(out[instr], strings.Join(strings.Fields(args), " "))
		}
	}
	if len(out["FROM"]) == 0 {
		t.Fatalf("%s has no FROM instruction", path)
	}
	return out
}

func firstGroup(pattern, s string) string {
	if m := regexp.MustCompile(pattern).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
