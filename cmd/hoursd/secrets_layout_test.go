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
// directory holding exactly those names: the systemd drop-in loads each as a
// credential, and compose mounts each as a secret of that name in
// /run/secrets, which it gives as CREDENTIALS_DIRECTORY. So an example
// copied as it is validates under systemd and Docker alike.
func TestOneSecretLayout(t *testing.T) {
	examples, err := filepath.Glob("../../deploy/examples/*")
	if err != nil {
		t.Fatal(err)
	}
	fileKey := regexp.MustCompile(`(?m)^[^#]*?\b[a-z_]+_file"?\s*[:=]\s*"?([^"\s,}]+)`)
	var names []string
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
		}
	}
	if len(names) == 0 {
		t.Fatal("no example names a secret file; the design's example has three")
	}

	var loaded []string
	for _, c := range readUnit(t, "../../deploy/systemd/hoursd.service.d/credentials.conf.example")["LoadCredential"] {
		name, _, _ := strings.Cut(c, ":")
		loaded = append(loaded, name)
	}
	b, err := os.ReadFile("../../deploy/docker/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Secrets     []string          `yaml:"secrets"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatal(err)
	}
	svc := compose.Services["hoursd"]
	if got := svc.Environment["CREDENTIALS_DIRECTORY"]; got != "/run/secrets" {
		t.Errorf("compose: CREDENTIALS_DIRECTORY = %q, want /run/secrets, where compose mounts the secrets", got)
	}
	for _, name := range names {
		if !slices.Contains(loaded, name) {
			t.Errorf("credentials.conf.example does not load the credential %s that an example reads (it loads %v)", name, loaded)
		}
		if !slices.Contains(svc.Secrets, name) {
			t.Errorf("compose: service hoursd does not mount the secret %s that an example reads (it mounts %v)", name, svc.Secrets)
		}
	}
}
