package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// readFastHead reads a manifest's head without yaml.v2, for documents written
// in the plain block style templates produce: block mappings and sequences,
// one-line plain, single- and double-quoted scalars, literal and folded block
// scalars, and empty or one-line flow lists of scalars. It declines (ok
// false) on anything else and whenever it is unsure (anchors, tags, tabs
// outside block scalars, multi-line plain or quoted scalars, keys that are
// not strings, values the JSON step would refuse, unusual indentation,
// characters the YAML reader refuses); the caller then parses with yaml.v2 as
// Helm does, so errors keep Helm's wording. When it accepts, yaml.v2 would
// accept the document too and readPlainHead would read the same head: the
// differential tests in fast_head_test.go and test/chart/fast-paths.test.ts
// check exactly that.
//
// It parses in one pass over the lines and keeps only the head's values.
func readFastHead(doc string) (head manifestDocument, ok bool) {
	if !readerAccepts(doc) {
		return head, false
	}
	p := fastParser{doc: doc, lines: splitLines(doc, fastLineBuffer[:0])}
	fastLineBuffer = p.lines[:0]
	for _, line := range p.lines {
		// Document markers, or what might be one.
		if line.indent == 0 && (strings.HasPrefix(p.content(line), "---") || strings.HasPrefix(p.content(line), "...")) {
			return head, false
		}
	}
	p.skipIgnorable()
	if p.i >= len(p.lines) || p.lines[p.i].indent != 0 {
		return head, false
	}
	top, ok := p.mapping(0, 0, collectTop)
	if !ok {
		return head, false
	}
	if p.skipIgnorable(); p.i < len(p.lines) {
		return head, false
	}
	return headFromFast(top)
}

// fastLineBuffer is reused between documents; the engine serves one request
// at a time.
var fastLineBuffer []fastLine

type fastLine struct {
	start, end int // the line in doc, without its newline
	// indent is the column where the line's content starts; for the line of
	// a sequence entry whose content is a nested node it is moved to that content.
	indent int
}

// readerAccepts tells whether every character is one yaml.v2's reader takes
// and reads as itself: printable ASCII, newline, tab (refused later outside
// block scalars), and non-ASCII characters other than C1 controls, line
// separators and the byte-order mark.
func readerAccepts(doc string) bool {
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(doc[i:])
		if r == utf8.RuneError && size == 1 || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size - 1
	}
	return true
}

func splitLines(doc string, buf []fastLine) []fastLine {
	start := 0
	for start <= len(doc) {
		end := strings.IndexByte(doc[start:], '\n')
		if end < 0 {
			end = len(doc)
		} else {
			end += start
		}
		indent := 0
		for start+indent < end && doc[start+indent] == ' ' {
			indent++
		}
		buf = append(buf, fastLine{start: start, end: end, indent: indent})
		start = end + 1
	}
	return buf
}

type fastParser struct {
	doc   string
	lines []fastLine
	i     int
}

// fastValue is what the parser keeps of a node: its kind and, for the maps
// the head needs, the entries.
type fastValue struct {
	kind    byte // 's' string, 'n' null, 'o' other scalar, 'b' block scalar, 'm' map, 'q' sequence
	str     string
	entries []fastEntry
}

type fastEntry struct {
	key   string
	value fastValue
}

// What a mapping keeps of its entries: the top level keeps apiVersion, kind
// and metadata; metadata keeps name and annotations; annotations keep all.
const (
	collectNone = iota
	collectTop
	collectMetadata
	collectAll
)

const maxFastDepth = 500

func (p *fastParser) content(l fastLine) string { return p.doc[l.start+l.indent : l.end] }

// skipIgnorable moves past blank lines and comment lines. A line whose
// content starts with a tab is not skipped: the caller declines it.
func (p *fastParser) skipIgnorable() {
	for p.i < len(p.lines) {
		if c := p.content(p.lines[p.i]); c != "" && c[0] != '#' {
			return
		}
		p.i++
	}
}

// nextLine moves to the next line that is not blank or a comment and tells
// how it stands to a collection at column col: at col, its text (more true);
// less indented or none left, the collection ends (more false, ok true); more
// indented, something the fast reader does not take (ok false).
func (p *fastParser) nextLine(col int) (text string, more, ok bool) {
	p.skipIgnorable()
	if p.i >= len(p.lines) || p.lines[p.i].indent < col {
		return "", false, true
	}
	if p.lines[p.i].indent > col {
		return "", false, false
	}
	return p.content(p.lines[p.i]), true, true
}

// mapping parses a block mapping whose keys sit at column col.
func (p *fastParser) mapping(col, depth, collect int) (fastValue, bool) {
	v := fastValue{kind: 'm'}
	if depth > maxFastDepth {
		return v, false
	}
	for {
		text, more, ok := p.nextLine(col)
		if !more {
			return v, ok
		}
		key, rest, ok := splitKey(text)
		if !ok {
			return v, false
		}
		child := collectNone
		switch {
		case collect == collectAll:
			child = collectAll
		case collect == collectTop && key == "metadata":
			child = collectMetadata
		case collect == collectMetadata && key == "annotations":
			child = collectAll
		}
		value, ok := p.mappingValue(col, rest, depth, child)
		if !ok {
			return v, false
		}
		if collect != collectNone {
			v.entries = append(v.entries, fastEntry{key: key, value: value})
		}
	}
}

// mappingValue parses what follows "key:" at column col; rest is the line
// after the colon.
func (p *fastParser) mappingValue(col int, rest string, depth, collect int) (fastValue, bool) {
	trimmed := strings.TrimLeft(rest, " ")
	if trimmed == "" || trimmed[0] == '#' {
		if trimmed != "" && len(trimmed) == len(rest) {
			return fastValue{}, false // "key:#x" is not a comment
		}
		p.i++
		return p.blockValue(col, true, depth, collect)
	}
	if len(trimmed) == len(rest) {
		return fastValue{}, false // "key:value" is not a mapping entry
	}
	return p.inlineValue(trimmed, col, depth)
}

// blockValue parses the node that starts on the next lines for a mapping
// value or sequence entry at column col with nothing after its indicator.
// A mapping value may be a sequence at the same column.
func (p *fastParser) blockValue(col int, inMapping bool, depth, collect int) (fastValue, bool) {
	p.skipIgnorable()
	if p.i >= len(p.lines) {
		return fastValue{kind: 'n'}, true
	}
	line := p.lines[p.i]
	text := p.content(line)
	if line.indent > col || inMapping && line.indent == col && isEntryIndicator(text) {
		return p.nodeAt(line.indent, col, depth+1, collect)
	}
	return fastValue{kind: 'n'}, true
}

// nodeAt parses the node starting on the current line at column col, in a
// collection at column outer: a block mapping or sequence, or a one-line
// value alone on its line, as `toYaml | nindent` writes an empty map ("{}")
// or a string below its key.
func (p *fastParser) nodeAt(col, outer, depth, collect int) (fastValue, bool) {
	text := p.content(p.lines[p.i])
	if isEntryIndicator(text) {
		return p.sequence(col, depth)
	}
	if _, _, isKey := splitKey(text); isKey {
		return p.mapping(col, depth, collect)
	}
	if text[0] == '|' || text[0] == '>' {
		return fastValue{}, false // a block scalar's header alone on its line
	}
	// inlineValue declines when a line more indented than outer follows:
	// the continuation of a plain scalar, or an error.
	return p.inlineValue(text, outer, depth)
}

func isEntryIndicator(text string) bool {
	return text == "-" || strings.HasPrefix(text, "- ")
}

// sequence parses a block sequence whose dashes sit at column col.
func (p *fastParser) sequence(col, depth int) (fastValue, bool) {
	v := fastValue{kind: 'q'}
	if depth > maxFastDepth {
		return v, false
	}
	for {
		text, more, ok := p.nextLine(col)
		if !more {
			return v, ok
		}
		if !isEntryIndicator(text) {
			return v, true // the mapping this sequence is a value of goes on
		}
		after := strings.TrimLeft(text[1:], " ")
		if after == "" || after[0] == '#' {
			if after != "" && len(after) == len(text)-1 {
				return v, false
			}
			p.i++
			if _, ok := p.blockValue(col, false, depth, collectNone); !ok {
				return v, false
			}
			continue
		}
		// The entry's content starts a node on this line at its own column.
		contentCol := col + len(text) - len(after)
		p.lines[p.i].indent = contentCol
		if isEntryIndicator(after) {
			if _, ok := p.sequence(contentCol, depth+1); !ok {
				return v, false
			}
			continue
		}
		if _, _, isKey := splitKey(after); isKey {
			if _, ok := p.mapping(contentCol, depth+1, collectNone); !ok {
				return v, false
			}
			continue
		}
		if _, ok := p.inlineValue(after, col, depth); !ok {
			return v, false
		}
	}
}

// inlineValue parses a value that starts on the current line (text) and
// moves past it; col is the column of the collection holding it.
func (p *fastParser) inlineValue(text string, col, depth int) (fastValue, bool) {
	var v fastValue
	var tail string
	var ok bool
	switch text[0] {
	case '"':
		v.kind = 's'
		v.str, tail, ok = doubleQuoted(text)
	case '\'':
		v.kind = 's'
		v.str, tail, ok = singleQuoted(text)
	case '[', '{':
		v, tail, ok = flowScalars(text)
	case '|', '>':
		return p.blockScalar(text, col)
	default:
		v.str, tail, ok = plainScalar(text)
		v.kind = resolvePlain(v.str)
		if v.kind == 'x' {
			return v, false
		}
	}
	if !ok || !isTrailer(tail) {
		return v, false
	}
	p.i++
	// A more indented line after a one-line value would continue it (or be an error).
	p.skipIgnorable()
	if p.i < len(p.lines) && p.lines[p.i].indent > col {
		return v, false
	}
	return v, true
}

// isTrailer tells whether what follows a value is only spaces and a comment.
func isTrailer(tail string) bool {
	trimmed := strings.TrimLeft(tail, " ")
	return trimmed == "" || trimmed[0] == '#' && len(trimmed) < len(tail)
}

// splitKey splits "key: rest" or "key:" into the key and what follows the
// colon, for a plain key that is a string or a quoted key.
func splitKey(text string) (key, rest string, ok bool) {
	if text == "" {
		return "", "", false
	}
	switch text[0] {
	case '"', '\'':
		var tail string
		if text[0] == '"' {
			key, tail, ok = doubleQuoted(text)
		} else {
			key, tail, ok = singleQuoted(text)
		}
		if !ok || len(text)-len(tail) > 1000 || !strings.HasPrefix(tail, ":") {
			return "", "", false
		}
		return key, tail[1:], true
	}
	if isIndicator(text[0]) || text[0] == '<' {
		return "", "", false
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ':':
			if i+1 == len(text) || text[i+1] == ' ' {
				key = text[:i]
				if i > 1000 || key[len(key)-1] == ' ' || resolvePlain(key) != 's' {
					return "", "", false
				}
				return key, text[i+1:], true
			}
		case '#':
			if text[i-1] == ' ' {
				return "", "", false
			}
		case '\t':
			return "", "", false
		}
	}
	return "", "", false
}

// isIndicator tells whether a plain scalar may not start with c.
func isIndicator(c byte) bool {
	return strings.IndexByte("-?:,[]{}#&*!|>'\"%@` ", c) >= 0
}

// plainScalar reads a one-line plain scalar and what follows it (a comment).
func plainScalar(text string) (value, tail string, ok bool) {
	if isIndicator(text[0]) && !(text[0] == '-' && len(text) > 1 && text[1] != ' ') {
		return "", "", false
	}
	end := len(text)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ':':
			if i+1 == len(text) || text[i+1] == ' ' {
				return "", "", false
			}
		case '#':
			if text[i-1] == ' ' {
				end = i
				i = len(text)
			}
		case '\t':
			return "", "", false
		}
	}
	value = strings.TrimRight(text[:end], " ")
	return value, text[len(value):], true
}

// resolvePlain is the kind yaml.v2's resolve gives a plain scalar: 's'
// string, 'n' null, 'o' another type, 'x' a value the JSON step refuses (NaN,
// infinity). Timestamps count as strings: yaml.v2 decodes them into an
// interface{} as the text they were written as.
func resolvePlain(s string) byte {
	if s == "" {
		return 'n'
	}
	switch s {
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return 'x'
	}
	switch s[0] {
	case '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if isYAMLNumber(s) {
			return 'o'
		}
	case '.':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return 'o'
		}
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~':
		switch s {
		case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
			"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
			return 'o'
		case "~", "null", "Null", "NULL":
			return 'n'
		}
	}
	return 's'
}

// isYAMLNumber follows yaml.v2's resolve for a plain scalar that starts with
// a digit or a sign: an integer in any base strconv takes, a float in YAML's
// style, or a binary integer.
func isYAMLNumber(s string) bool {
	plain := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return true
	}
	if isYAMLStyleFloat(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return true
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return true
		}
		if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return true
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return true
		}
	}
	return false
}

// isYAMLStyleFloat matches yaml.v2's ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
func isYAMLStyleFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// doubleQuoted reads a one-line double-quoted scalar with the common escapes.
func doubleQuoted(text string) (value, tail string, ok bool) {
	var b strings.Builder
	plainRun := 1
	for i := 1; i < len(text); i++ {
		switch c := text[i]; c {
		case '"':
			if b.Len() == 0 && plainRun == 1 {
				return text[1:i], text[i+1:], true
			}
			b.WriteString(text[plainRun:i])
			return b.String(), text[i+1:], true
		case '\t':
			return "", "", false
		case '\\':
			if i+1 >= len(text) {
				return "", "", false
			}
			b.WriteString(text[plainRun:i])
			i++
			switch text[i] {
			case '\\', '"':
				b.WriteByte(text[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'u':
				if i+4 >= len(text) {
					return "", "", false
				}
				r, err := strconv.ParseUint(text[i+1:i+5], 16, 32)
				if err != nil || r >= 0xd800 && r <= 0xdfff {
					return "", "", false
				}
				b.WriteRune(rune(r))
				i += 4
			default:
				return "", "", false
			}
			plainRun = i + 1
		}
	}
	return "", "", false // no closing quote on this line
}

// singleQuoted reads a one-line single-quoted scalar.
func singleQuoted(text string) (value, tail string, ok bool) {
	var b strings.Builder
	plainRun := 1
	for i := 1; i < len(text); i++ {
		switch text[i] {
		case '\'':
			if i+1 < len(text) && text[i+1] == '\'' {
				b.WriteString(text[plainRun : i+1])
				i++
				plainRun = i + 1
				continue
			}
			if b.Len() == 0 && plainRun == 1 {
				return text[1:i], text[i+1:], true
			}
			b.WriteString(text[plainRun:i])
			return b.String(), text[i+1:], true
		case '\t':
			return "", "", false
		}
	}
	return "", "", false
}

// flowScalars reads "{}", "[]" or a one-line flow sequence of quoted
// scalars and simple plain words.
func flowScalars(text string) (v fastValue, tail string, ok bool) {
	if strings.HasPrefix(text, "{}") {
		return fastValue{kind: 'm'}, text[2:], true
	}
	v.kind = 'q'
	if text[0] != '[' {
		return v, "", false
	}
	i := skipSpaces(text, 1)
	if i < len(text) && text[i] == ']' {
		return v, text[i+1:], true
	}
	for i < len(text) {
		var rest string
		switch text[i] {
		case '"':
			_, rest, ok = doubleQuoted(text[i:])
		case '\'':
			_, rest, ok = singleQuoted(text[i:])
		default:
			j := i
			for j < len(text) && isFlowWordByte(text[j]) {
				j++
			}
			// A dash starts a plain word only when a non-blank follows it.
			ok = j > i && (text[i] != '-' || j > i+1) && resolvePlain(text[i:j]) != 'x'
			rest = text[j:]
		}
		if !ok {
			return v, "", false
		}
		i = skipSpaces(text, len(text)-len(rest))
		if i < len(text) && text[i] == ']' {
			return v, text[i+1:], true
		}
		if i >= len(text) || text[i] != ',' {
			return v, "", false
		}
		i = skipSpaces(text, i+1)
	}
	return v, "", false
}

func skipSpaces(text string, i int) int {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	return i
}

// isFlowWordByte is a byte a plain word in a flow list may hold here.
func isFlowWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '/' || c == '=' || c == '$'
}

// blockScalar reads a literal or folded block scalar whose header is text,
// in a collection at column col.
func (p *fastParser) blockScalar(text string, col int) (fastValue, bool) {
	header := 1
	if header < len(text) && (text[header] == '-' || text[header] == '+') {
		header++
	}
	if !isTrailer(text[header:]) {
		return fastValue{}, false
	}
	p.i++
	// The content's indentation is the first non-blank line's; blank lines
	// before it must not be longer.
	indent := -1
	leading := 0
	for j := p.i; j < len(p.lines); j++ {
		line := p.lines[j]
		if line.indent == line.end-line.start {
			if line.indent > leading {
				leading = line.indent
			}
			continue
		}
		if p.doc[line.start+line.indent] == '\t' {
			return fastValue{}, false // a tab where indentation is expected
		}
		indent = line.indent
		break
	}
	if indent <= col {
		// An empty scalar; the next line belongs to an outer node.
		if leading > col {
			return fastValue{}, false
		}
		for p.i < len(p.lines) && p.lines[p.i].indent == p.lines[p.i].end-p.lines[p.i].start {
			p.i++
		}
		return fastValue{kind: 'b'}, true
	}
	if leading > indent {
		return fastValue{}, false
	}
	for p.i < len(p.lines) {
		line := p.lines[p.i]
		blank := line.indent == line.end-line.start
		if !blank && line.indent < indent {
			break
		}
		p.i++
	}
	if p.i < len(p.lines) && p.doc[p.lines[p.i].start+p.lines[p.i].indent] == '\t' {
		return fastValue{}, false
	}
	return fastValue{kind: 'b'}, true
}

// headFromFast reads the head from the parsed top-level mapping with the
// rules of readPlainHead.
func headFromFast(top fastValue) (head manifestDocument, ok bool) {
	fields, ok := fieldsOf(&top, "apiVersion", "kind", "metadata")
	if !ok {
		return head, false
	}
	if head.APIVersion, ok = fastString(fields[0]); !ok {
		return head, false
	}
	if head.Kind, ok = fastString(fields[1]); !ok {
		return head, false
	}
	metadata := fields[2]
	if metadata == nil || metadata.kind == 'n' {
		return head, true
	}
	if metadata.kind != 'm' {
		return head, false
	}
	head.HasMetadata = true
	if fields, ok = fieldsOf(metadata, "name", "annotations"); !ok {
		return head, false
	}
	if head.Name, ok = fastString(fields[0]); !ok {
		return head, false
	}
	annotations := fields[1]
	if annotations == nil || annotations.kind == 'n' {
		return head, true
	}
	if annotations.kind != 'm' {
		return head, false
	}
	head.Annotations = make(map[string]string, len(annotations.entries))
	for _, e := range annotations.entries {
		if e.value.kind != 's' || !utf8.ValidString(e.value.str) || !utf8.ValidString(e.key) {
			return head, false
		}
		head.Annotations[e.key] = e.value.str
	}
	return head, true
}

// fieldsOf finds the values of the named keys in a parsed mapping, the last
// of each winning as in yaml.v2; ok is false when another key equals one of
// the names but for case, which encoding/json would match.
func fieldsOf(m *fastValue, names ...string) (found []*fastValue, ok bool) {
	found = make([]*fastValue, len(names))
	for i := range m.entries {
		e := &m.entries[i]
		matched := false
		for n, name := range names {
			if e.key == name {
				found[n], matched = &e.value, true
			}
		}
		if !matched && foldsToOtherThan(e.key, names...) {
			return nil, false
		}
	}
	return found, true
}

// fastString is a head field's value: a string or nothing.
func fastString(v *fastValue) (string, bool) {
	if v == nil || v.kind == 'n' {
		return "", true
	}
	if v.kind != 's' || !utf8.ValidString(v.str) {
		return "", false
	}
	return v.str, true
}
