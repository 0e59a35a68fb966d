package notifier

import (
	"testing"
	"time"
)

// A service's Retry-After is a floor, not the whole wait: the first retry
// waits what it asked, and a service that keeps asking for 5 s (Pushover on
// a 5xx) is asked less and less often as the backoff grows past it.
func TestRetryAfterIsAFloor(t *testing.T) {
	p := Policy{Backoff: 2 * time.Second, MaxBackoff: 10 * time.Minute, Jitter: func() float64 { return 0 }}.withDefaults()
	tests := []struct {
		failed     int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 5 * time.Second, 5 * time.Second},                 // backoff 1 s (2 s with zero jitter halved): the service's 5 s
		{1, 12 * time.Second, 12 * time.Second},               // Retry-After: 12
		{4, 5 * time.Second, 8 * time.Second},                 // backoff 16 s halved: past the 5 s
		{8, 5 * time.Second, 128 * time.Second},               // backoff 256 s halved
		{1, 2500 * time.Millisecond, 2500 * time.Millisecond}, // Discord's retry_after 2.5
	}
	for _, tt := range tests {
		if got := p.delay(tt.failed, tt.retryAfter); got != tt.want {
			t.Errorf("delay(after %d failures, Retry-After %s) = %s, want %s", tt.failed, tt.retryAfter, got, tt.want)
		}
	}
}
