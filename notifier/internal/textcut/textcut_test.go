package textcut

import "testing"

func TestCut(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		unit  Unit
		note  string
		want  string
	}{
		{"fits in runes", "åäöåäöåäöå", 10, Runes, "…", "åäöåäöåäöå"},
		{"one rune too many", "åäöåäöåäöåx", 10, Runes, "…", "åäöåäöåäö…"},
		{"space before the note dropped", "ord ord ord ord", 9, Runes, "…", "ord ord…"},
		{"line break before the note dropped", "rad ett\nrad två", 9, Runes, "…", "rad ett…"},
		{"bytes never split a character", "ååååå", 7, Bytes, "", "ååå"},
		{"bytes with a note", "Öppet 08:00–11:30", 12, Bytes, "…", "Öppet 08…"},
		{"utf16 counts an emoji twice", "📆📆📆", 4, UTF16, "", "📆📆"},
		{"utf16 counts å once", "ååå", 3, UTF16, "", "ååå"},
		{"limit below the note", "abcdef", 2, Runes, "…(cut)", "…("},
		{"empty", "", 0, Bytes, "…", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.limit, tt.unit, tt.note)
			if got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if n := Size(got, tt.unit); n > tt.limit {
				t.Errorf("Cut(%q, %d) is %d long, over the limit", tt.in, tt.limit, n)
			}
		})
	}
}
