package notifier

import (
	"errors"
	"testing"
)

// TestRedactMasksTheLongestSecretWhole: a channel hands Redact both a URL
// and the token inside it; in whichever order, the URL is masked as one,
// so no part of it (host, path) survives around the masked token.
func TestRedactMasksTheLongestSecretWhole(t *testing.T) {
	const hook = "https://discord.com/api/webhooks/123/t0ken-s3cr3t"
	err := errors.New(`post "` + hook + `": connection refused`)
	for _, order := range [][]string{{"t0ken-s3cr3t", hook}, {hook, "t0ken-s3cr3t"}} {
		if got, want := Redact(err, order...).Error(), `post "***": connection refused`; got != want {
			t.Errorf("Redact(%q, %q) = %q, want %q", err, order, got, want)
		}
	}
}
