package notifier

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LocalHost", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"[::1]", true},
		{"", false},
		{"10.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"smtp.example.com", false},
		{"127.0.0.1.nip.io", false},
		{"localhost.example.com", false},
		{"[127.0.0.1", false},
		{"::2", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			if got := IsLoopback(tt.host); got != tt.want {
				t.Errorf("IsLoopback(%q) = %v, want %v", tt.host, got, tt.want)
			}
		})
	}
}
