package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDockerContract checks that deploy/docker/Dockerfile and the compose
// files agree with each other and with docs/deployment.md, where no Docker
// engine is at hand to build and run them: the image runs /hoursd as the
// non-root user 65532 on distroless static, its state directory is the
// volume, its health check is `hoursd healthcheck`; compose runs every
// hoursd service read-only without capabilities or new privileges, mounts
// the config directory read-only and the state as a named volume, and
// declares every secret it hands over.
func TestDockerContract(t *testing.T) {
	df := readDockerfile(t, "../../deploy/docker/Dockerfile")
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("want %s", tt.want)
			}
		})
	}

	t.Run("compose.yaml", func(t *testing.T) {
		compose := readCompose(t, "../../deploy/docker/compose.yaml")
		if _, ok := compose.Services["hoursd"]; !ok {
			t.Fatal("compose.yaml has no service hoursd")
		}
		checkCompose(t, compose, state, configDir)
	})

	// Two replicas and their database: each replica is an hoursd service
	// as above, with a name (its host name) and a state volume of its own,
	// started once the database answers, and given the DSN under the
	// credential name the example configuration reads.
	t.Run("compose.replicas.yaml", func(t *testing.T) {
		compose := readCompose(t, "../../deploy/docker/compose.replicas.yaml")
		replicas := checkCompose(t, compose, state, configDir)
		if len(replicas) < 2 {
			t.Fatalf("compose.replicas.yaml runs %d hoursd services, want at least 2", len(replicas))
		}
		if _, ok := compose.Services["postgres"]; !ok {
			t.Fatal("compose.replicas.yaml has no service postgres")
		}
		dsn := exampleDSNFile(t)
		hosts, volumes := map[string]string{}, map[string]string{}
		for _, name := range replicas {
			svc := compose.Services[name]
			if svc.Hostname == "" {
				t.Errorf("compose.replicas.yaml: %s has no hostname, which names the replica (postgres.replica defaults to it)", name)
			} else if other, dup := hosts[svc.Hostname]; dup {
				t.Errorf("compose.replicas.yaml: %s and %s share the hostname %s: a replica's name must be its own", other, name, svc.Hostname)
			}
			hosts[svc.Hostname] = name
			for _, v := range svc.Volumes {
				if parts := strings.Split(v, ":"); len(parts) >= 2 && parts[1] == state {
					if other, dup := volumes[parts[0]]; dup {
						t.Errorf("compose.replicas.yaml: %s and %s share the state volume %s", other, name, parts[0])
					}
					volumes[parts[0]] = name
				}
			}
			if !slices.Contains(svc.Secrets, dsn) {
				t.Errorf("compose.replicas.yaml: %s is not given the secret %s, which deploy/examples/replicas.yaml reads as postgres.dsn_file", name, dsn)
			}
			if svc.DependsOn["postgres"].Condition != "service_healthy" {
				t.Errorf("compose.replicas.yaml: %s does not wait for postgres to be healthy (depends_on.postgres.condition: service_healthy)", name)
			}
		}
	})
}

// checkCompose checks every service of a compose file built from
// deploy/docker/Dockerfile, and the secrets of every service, and returns
// the names of the hoursd services.
func checkCompose(t *testing.T, compose composeFile, state, configDir string) []string {
	t.Helper()
	var names []string
	for name, svc := range compose.Services {
		for _, s := range svc.Secrets {
			if _, ok := compose.Secrets[s]; !ok {
				t.Errorf("compose: service %s uses secret %s, which the top-level secrets do not declare", name, s)
			}
		}
		if !strings.HasSuffix(svc.Build.Dockerfile, "deploy/docker/Dockerfile") {
			continue
		}
		names = append(names, name)
		tests := []struct {
			ok   bool
			want string
		}{
			{svc.ReadOnly, "read_only: true"},
			{slices.Equal(svc.CapDrop, []string{"ALL"}), "cap_drop: [ALL]"},
			{slices.Contains(svc.SecurityOpt, "no-new-privileges:true"), "security_opt no-new-privileges:true"},
			{svc.Restart == "unless-stopped", "restart: unless-stopped"},
			{configDir != "" && slices.ContainsFunc(svc.Volumes, func(v string) bool {
				return slices.Equal(strings.Split(v, ":")[1:], []string{configDir, "ro"})
			}), "the directory of HOURSD_CONFIG (" + configDir + ") mounted read-only"},
			{state != "" && slices.ContainsFunc(svc.Volumes, func(v string) bool {
				parts := strings.Split(v, ":")
				_, named := compose.Volumes[parts[0]]
				return len(parts) >= 2 && parts[1] == state && named
			}), state + " is a named volume"},
		}
		for _, tt := range tests {
			if !tt.ok {
				t.Errorf("compose: service %s: want %s", name, tt.want)
			}
		}
	}
	slices.Sort(names)
	return names
}

// exampleDSNFile is the credential deploy/examples/replicas.yaml reads its
// PostgreSQL connection string from.
func exampleDSNFile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/examples/replicas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Postgres struct {
			DSNFile string `yaml:"dsn_file"`
		} `yaml:"postgres"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("deploy/examples/replicas.yaml: %v", err)
	}
	if c.Postgres.DSNFile == "" {
		t.Fatal("deploy/examples/replicas.yaml has no postgres.dsn_file: the compose file and the systemd drop-in hand the DSN over as a credential")
	}
	return c.Postgres.DSNFile
}

// composeFile is what TestDockerContract reads of a compose file.
type composeFile struct {
	Services map[string]struct {
		Build struct {
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Hostname  string `yaml:"hostname"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
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
