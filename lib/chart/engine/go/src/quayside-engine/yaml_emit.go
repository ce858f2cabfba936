package main

import (
	"sort"
	"strconv"
	"unicode"
)

// emitYAML writes a tree from yamlTree the way yaml.v2's Marshal lays it out
// (block style, indentation 2, sequences in mappings not indented, keys in
// yaml.v2's order), for trees whose every scalar yaml.v2 would write plain
// and on one line. It declines (ok false) otherwise; the caller then uses
// yaml.v2's encoder.
func emitYAML(tree interface{}) (out []byte, ok bool) {
	w := yamlWriter{buf: make([]byte, 0, 256)}
	switch t := tree.(type) {
	case map[interface{}]interface{}:
		if len(t) == 0 {
			return append(w.buf, "{}\n"...), true
		}
		ok = w.mapping(t, 0, false)
	case []interface{}:
		if len(t) == 0 {
			return append(w.buf, "[]\n"...), true
		}
		ok = w.sequence(t, 0, false)
	default:
		if ok = w.scalar(t, 0); ok {
			w.buf = append(w.buf, '\n')
		}
	}
	return w.buf, ok
}

type yamlWriter struct {
	buf []byte
}

// bestWidth is yaml.v2's line width: a plain scalar with spaces that would
// run past it is folded, which the direct writer does not do.
const bestWidth = 80

func (w *yamlWriter) indent(n int) {
	for i := 0; i < n; i++ {
		w.buf = append(w.buf, ' ')
	}
}

// mapping writes entries at column col; inline means the first entry goes on
// the current line (after "- ").
func (w *yamlWriter) mapping(m map[interface{}]interface{}, col int, inline bool) bool {
	keys := make([]string, 0, len(m))
	for k := range m {
		key, isString := k.(string)
		if !isString || len(key) > 100 || !plainYAMLString(key, false) {
			return false
		}
		keys = append(keys, key)
	}
	sort.Sort(yamlKeyOrder(keys))
	for i, key := range keys {
		if i > 0 || !inline {
			w.indent(col)
		}
		w.buf = append(w.buf, key...)
		w.buf = append(w.buf, ':')
		if !w.value(m[key], col, col+len(key)+2, true) {
			return false
		}
	}
	return true
}

// sequence writes items with their dashes at column col.
func (w *yamlWriter) sequence(s []interface{}, col int, inline bool) bool {
	for i, item := range s {
		if i > 0 || !inline {
			w.indent(col)
		}
		w.buf = append(w.buf, '-')
		if !w.value(item, col+2, col+2, false) {
			return false
		}
	}
	return true
}

// value writes what follows "key:" or "-": a scalar or empty collection on
// the same line, or a nested collection. at is the scalar's column.
func (w *yamlWriter) value(v interface{}, childCol, at int, inMapping bool) bool {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		if len(t) == 0 {
			w.buf = append(w.buf, " {}\n"...)
			return true
		}
		if inMapping {
			w.buf = append(w.buf, '\n')
			return w.mapping(t, childCol+2, false)
		}
		w.buf = append(w.buf, ' ')
		return w.mapping(t, childCol, true)
	case []interface{}:
		if len(t) == 0 {
			w.buf = append(w.buf, " []\n"...)
			return true
		}
		if inMapping {
			w.buf = append(w.buf, '\n')
			return w.sequence(t, childCol, false)
		}
		w.buf = append(w.buf, ' ')
		return w.sequence(t, childCol, true)
	default:
		w.buf = append(w.buf, ' ')
		if !w.scalar(v, at) {
			return false
		}
		w.buf = append(w.buf, '\n')
		return true
	}
}

// scalar writes a scalar that starts at column at.
func (w *yamlWriter) scalar(v interface{}, at int) bool {
	switch t := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case bool:
		w.buf = strconv.AppendBool(w.buf, t)
	case int:
		w.buf = strconv.AppendInt(w.buf, int64(t), 10)
	case uint64:
		w.buf = strconv.AppendUint(w.buf, t, 10)
	case float64:
		w.buf = strconv.AppendFloat(w.buf, t, 'g', -1, 64)
	case string:
		if !plainYAMLString(t, at+len(t) <= bestWidth) {
			return false
		}
		w.buf = append(w.buf, t...)
	default:
		return false
	}
	return true
}

// plainYAMLString tells whether yaml.v2 writes s as a plain scalar unchanged:
// ASCII letters, digits and a few punctuation marks; spaces only inside and
// only when allowed (the line stays within the width, so nothing folds); not
// something that would read back as another type (number, bool, null,
// timestamp, base-60 float); no ": " or " #" and no indicator at the start.
func plainYAMLString(s string, spacesAllowed bool) bool {
	if s == "" || !isPlainStart(s[0]) || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == '/', c == '-', c == '@', c == '=', c == '+':
		case c == ':':
			if s[i+1] == ' ' {
				return false
			}
		case c == ' ':
			if !spacesAllowed || s[i+1] == '#' {
				return false
			}
		default:
			return false
		}
	}
	if c := s[0]; c >= '0' && c <= '9' {
		// Numbers, timestamps (YYYY-…) and base-60 floats (with ':') are quoted.
		if isYAMLNumber(s) || len(s) > 4 && s[4] == '-' && isDigits(s[:4]) || containsByte(s, ':') {
			return false
		}
		return true
	}
	return resolvePlain(s) == 's'
}

func isPlainStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// yamlKeyOrder is yaml.v2's order of string keys: letters after other
// characters, and runs of digits compared as numbers.
type yamlKeyOrder []string

func (k yamlKeyOrder) Len() int      { return len(k) }
func (k yamlKeyOrder) Swap(i, j int) { k[i], k[j] = k[j], k[i] }

func (k yamlKeyOrder) Less(i, j int) bool {
	ar, br := []rune(k[i]), []rune(k[j])
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			// Inside a number with a non-zero digit before, zeros count.
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}
