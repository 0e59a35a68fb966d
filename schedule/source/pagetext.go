package source

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// line is one line of a page's text as a reader sees it: a paragraph, a
// list item, a table row (cells joined by " | "), a heading.
type line struct {
	text    string // the page's words, spaces collapsed
	heading bool   // from h1–h6, caption, dt, summary: a title for what follows
}

// Bounds on what a page may cost. A page of opening hours has a few hundred
// lines; these only stop a hostile or broken page from costing much.
const (
	maxLines    = 20000 // lines read from a page
	maxLineLen  = 2000  // bytes of one line; a longer run is cut into lines
	maxTokenBuf = 1 << 20
)

// skipped elements hold no words a visitor reads as the page's content:
// code, styles, menus, templates, drawings and form widgets.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Nav: true, atom.Noscript: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Select: true,
	atom.Iframe: true, atom.Object: true, atom.Textarea: true,
}

// blocks start and end a line. Inline elements (span, a, strong, time …)
// do not, so "<strong>17 april</strong> 8–11.30" stays one line.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hr: true, atom.Html: true, atom.Legend: true, atom.Li: true, atom.Main: true,
	atom.Ol: true, atom.Option: true, atom.P: true, atom.Pre: true, atom.Section: true,
	atom.Summary: true, atom.Table: true, atom.Tbody: true, atom.Td: false, atom.Tfoot: true,
	atom.Th: false, atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Title: true,
}

// headings are the elements whose line titles what follows.
var headings = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Caption: true, atom.Dt: true, atom.Summary: true,
}

// pageLines is the text of a page as lines. HTML is read with x/net/html's
// tokenizer, which streams: memory and time stay linear in the page
// however deeply it nests, and a broken page still yields its text. A body
// without HTML markup is read as plain text, a line per line.
func pageLines(body []byte) []line {
	if !looksHTML(body) {
		var ls []line
		for _, s := range strings.Split(string(body), "\n") {
			for len(s) > maxLineLen {
				cut := cutAt(s, maxLineLen)
				ls = appendLine(ls, s[:cut], false)
				s = s[cut:]
			}
			ls = appendLine(ls, s, false)
			if len(ls) >= maxLines {
				break
			}
		}
		return ls
	}
	t := textLines{}
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(maxTokenBuf)
	skip, heading := 0, 0
	for len(t.lines) < maxLines {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			t.flush(heading > 0)
			return t.lines
		case html.TextToken:
			if skip == 0 {
				t.add(string(z.Text()), heading > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if a == atom.Body {
				skip = 0
			}
			if skip > 0 {
				continue
			}
			switch {
			case a == atom.Br:
				t.flush(heading > 0)
			case a == atom.Td || a == atom.Th:
				t.cell()
			case blocks[a]:
				t.flush(heading > 0)
			}
			if headings[a] && tt == html.StartTagToken {
				heading++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				// A skipped element left open ends with the body, so a
				// stray <nav> does not hide the rest of the page.
				if skip > 0 {
					skip--
				}
				continue
			}
			if a == atom.Body || a == atom.Html {
				skip = 0
			}
			if skip > 0 {
				continue
			}
			if blocks[a] {
				t.flush(heading > 0)
			}
			if headings[a] && heading > 0 {
				t.flush(true)
				heading--
			}
		}
	}
	t.flush(heading > 0)
	return t.lines
}

// textLines gathers the text of the current line.
type textLines struct {
	lines []line
	cur   strings.Builder
	cells int // cells begun on the current line
}

func (t *textLines) add(s string, heading bool) {
	for len(s) > 0 {
		room := maxLineLen - t.cur.Len()
		if room <= 0 {
			t.flush(heading)
			continue
		}
		if len(s) <= room {
			t.cur.WriteString(s)
			return
		}
		cut := cutAt(s, room)
		t.cur.WriteString(s[:cut])
		s = s[cut:]
		t.flush(heading)
	}
}

// cell separates table cells: a row is one line, so a date in one cell
// and its hours in the next are read together.
func (t *textLines) cell() {
	if strings.TrimSpace(t.cur.String()) != "" {
		t.cur.WriteString(" | ")
	}
	t.cells++
}

func (t *textLines) flush(heading bool) {
	t.lines = appendLine(t.lines, t.cur.String(), heading)
	t.cur.Reset()
	t.cells = 0
}

// appendLine adds s with its white space collapsed, unless it is empty.
// Non-breaking and other wide spaces count as spaces; soft hyphens and
// zero-width characters, which pages sprinkle into long words, go.
func appendLine(ls []line, s string, heading bool) []line {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError || r == 0:
			r = ' '
		case r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			continue
		}
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	text := strings.TrimSuffix(b.String(), " |")
	text = strings.TrimPrefix(text, "| ")
	if text == "" {
		return ls
	}
	return append(ls, line{text: text, heading: heading})
}

// cutAt is an index at most n into s that does not split a rune.
func cutAt(s string, n int) int {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	if n == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return n
}

// looksHTML reports whether body has HTML markup: a doctype, or a tag of an
// element HTML knows. Plain text that mentions "<3" or "a < b" does not.
func looksHTML(body []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(maxTokenBuf)
	for range 10000 {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.DoctypeToken:
			return true
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) != 0 {
				return true
			}
		}
	}
	return false
}
