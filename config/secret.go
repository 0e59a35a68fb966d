package config

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Secret is a password, token or webhook URL as written in the
// configuration. Whatever prints it — fmt, slog, YAML, JSON, `hoursd config
// show` — gets "***", so a secret cannot leak by being logged or shown; only
// the encoders see a whole ${NAME} reference as written (see MarshalText).
// hoursd hands the plain value only to the notifier configs that need it.
type Secret string

const redacted = "***"

// String hides the secret from fmt's %v, %s and %q.
func (s Secret) String() string { return redacted }

// GoString hides the secret from fmt's %#v.
func (s Secret) GoString() string { return redacted }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText hides the secret from YAML, JSON and TOML encoders, which
// is how `hoursd config show` prints it. A value that only names an
// environment variable ("${SMTP_PASSWORD}") is written as it stands: the
// name is not the secret, it says where the secret comes from (as a
// <key>_file's path does), and the output then loads again as it is.
func (s Secret) MarshalText() ([]byte, error) {
	if envRef.MatchString(string(s)) {
		return []byte(s), nil
	}
	return []byte(redacted), nil
}

// envRef matches a value that is a whole reference to an environment
// variable, ${NAME}. Only the whole value is replaced: a secret is never
// assembled from pieces, and a value with "${" inside it is refused rather
// than sent as written.
var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// envRefInside finds the references in a webhook header's value.
var envRefInside = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// secretSource is where the plain values of secrets come from; tests replace
// the environment and the file system.
type secretSource struct {
	lookupEnv func(string) (string, bool)
	readFile  func(string) ([]byte, error)
	baseDir   string // where a relative _file path is looked up when $CREDENTIALS_DIRECTORY is not set
}

// resolve returns the plain value of the secret key at path, given as a
// literal or ${VAR} in lit, or as a file in file (the key <key>_file). An
// unset variable or unreadable file is a problem naming the key and the
// variable or file, never the value.
func (src secretSource) resolve(ps *problems, path, key string, lit Secret, file string) string {
	keyPath, filePath := join(path, key), join(path, key+"_file")
	switch {
	case lit != "" && file != "":
		ps.add(keyPath, "give either %s or %s_file, not both", key, key)
		return ""
	case file != "":
		name, where := file, ""
		if !filepath.IsAbs(name) {
			if dir, ok := src.lookupEnv("CREDENTIALS_DIRECTORY"); ok && dir != "" {
				name = filepath.Join(dir, name)
				where = " (in $CREDENTIALS_DIRECTORY)"
			} else {
				name = filepath.Join(src.baseDir, name)
				where = " (beside the configuration, as $CREDENTIALS_DIRECTORY is not set)"
			}
		}
		b, err := src.readFile(name)
		if err != nil {
			ps.add(filePath, "cannot read secret file %s%s: %v", name, where, describeFileError(err))
			return ""
		}
		// Files written by `echo` or an editor end with a newline that
		// is not part of the secret.
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			ps.add(filePath, "secret file %s is empty", name)
		}
		return v
	}
	s := string(lit)
	if m := envRef.FindStringSubmatch(s); m != nil {
		return src.env(ps, keyPath, m[1])
	}
	if strings.Contains(s, "${") {
		// Most likely "Bearer ${TOKEN}": without this check the text
		// would be sent as it stands.
		ps.add(keyPath, "only a whole value can name an environment variable (\"${NAME}\"): put all of the value in the variable")
		return ""
	}
	return s
}

// resolveHeader returns the value of a webhook header, in which every
// ${NAME} is replaced: a header is often a scheme and a secret
// ("Bearer ${NTFY_TOKEN}"), and has no _file form.
func (src secretSource) resolveHeader(ps *problems, path string, v Secret) string {
	return envRefInside.ReplaceAllStringFunc(string(v), func(ref string) string {
		return src.env(ps, path, envRefInside.FindStringSubmatch(ref)[1])
	})
}

// env is the value of the environment variable name, which the key at
// path refers to.
func (src secretSource) env(ps *problems, path, name string) string {
	v, ok := src.lookupEnv(name)
	if !ok {
		ps.add(path, "environment variable %s is not set", name)
		return ""
	}
	if v == "" {
		ps.add(path, "environment variable %s is empty", name)
	}
	return v
}

// describeFileError is the reason of a file error without the path, which
// the caller already names.
func describeFileError(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Err
	}
	return err
}
