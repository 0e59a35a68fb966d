package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOneSecretLayout: every example names its secret files relative to
// $CREDENTIALS_DIRECTORY, and every way of running hoursd sets it to a
// directory holding exactly those names: an example systemd drop-in loads
// each as a credential, and a compose file mounts each as a secret of that
// name in /run/secrets, which it gives as CREDENTIALS_DIRECTORY. So an example
// copied as it is validates under systemd and Docker alike.
func TestOneSecretLayout(t *testing.T) {
	examples, err := filepath.Glob("../../deploy/examples/*")
	if err != nil {
		t.Fatal(err)
	}
	fileKey := regexp.MustCompile(`(?m)^[^#]*?\b[a-z_]+_file"?\s*[:=]\s*"?([^"\s,}]+)`)
	var names []string
	reads := map[string][]string{} // example -> the secret files it names
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fileKey.FindAllStringSubmatch(string(b), -1) {
			if filepath.IsAbs(m[1]) {
				t.Errorf("%s: a secret file at %s; name it relative to $CREDENTIALS_DIRECTORY, as every example does", f, m[1])
				continue
			}
			if !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
			reads[f] = append(reads[f], m[1])
		}
	}
	if len(names) == 0 {
		t.Fatal("no example names a secret file; the design's example has three")
	}

	// The credentials of every example drop-in (credentials.conf for the
	// channels, postgres.conf for a replica's DSN), and the secrets of every
	// hoursd service of every compose file (compose.yaml, and the replicas
	// of compose.replicas.yaml).
	dropIns, err := filepath.Glob("../../deploy/systemd/hoursd.service.d/*.conf.example")
	if err != nil || len(dropIns) == 0 {
		t.Fatalf("no example drop-in in deploy/systemd/hoursd.service.d (%v)", err)
	}
	var loaded []string
	for _, f := range dropIns {
		for _, c := range readUnit(t, f)["LoadCredential"] {
			name, _, _ := strings.Cut(c, ":")
			loaded = append(loaded, name)
		}
	}
	composeFiles, err := filepath.Glob("../../deploy/docker/compose*.yaml")
	if err != nil || !slices.Contains(composeFiles, "../../deploy/docker/compose.yaml") {
		t.Fatalf("compose files %v (%v), want compose.yaml among them", composeFiles, err)
	}
	var mounted [][]string // per compose file, the secrets every hoursd service of it mounts
	for _, f := range composeFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var compose struct {
			Services map[string]struct {
				Build struct {
					Dockerfile string `yaml:"dockerfile"`
				} `yaml:"build"`
				Environment map[string]string `yaml:"environment"`
				Secrets     []string          `yaml:"secrets"`
			} `yaml:"services"`
		}
		if err := yaml.Unmarshal(b, &compose); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var all []string
		first := true
		for name, svc := range compose.Services {
			if !strings.HasSuffix(svc.Build.Dockerfile, "deploy/docker/Dockerfile") {
				continue // not hoursd (the replicas' database)
			}
			if got := svc.Environment["CREDENTIALS_DIRECTORY"]; got != "/run/secrets" {
				t.Errorf("%s: service %s: CREDENTIALS_DIRECTORY = %q, want /run/secrets, where compose mounts the secrets", filepath.Base(f), name, got)
			}
			if first {
				all, first = slices.Clone(svc.Secrets), false
			} else {
				all = slices.DeleteFunc(all, func(s string) bool { return !slices.Contains(svc.Secrets, s) })
			}
		}
		mounted = append(mounted, all)
	}
	for _, name := range names {
		if !slices.Contains(loaded, name) {
			t.Errorf("no example drop-in loads the credential %s that an example reads (they load %v)", name, loaded)
		}
	}
	// An example runs under one compose file as it is: one of them gives
	// every hoursd service all the secrets the example reads.
	for f, need := range reads {
		if !slices.ContainsFunc(mounted, func(m []string) bool {
			return !slices.ContainsFunc(need, func(n string) bool { return !slices.Contains(m, n) })
		}) {
			t.Errorf("%s reads the secrets %v, and no compose file mounts them all in each of its hoursd services (they mount %v)", filepath.Base(f), need, mounted)
		}
	}
}
