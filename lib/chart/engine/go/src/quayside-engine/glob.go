package main

import (
	"regexp"
	"strings"
)

// compileGlob turns a .Files.Glob pattern into a regexp with the syntax Helm
// gets from gobwas/glob with '/' as separator: '*' and '?' stay within one
// path segment, '**' crosses segments, [a-z] and [!a-z] classes, {a,b}
// alternatives and '\' escapes. Written here so the engine builds from the
// Debian packages the project lists.
func compileGlob(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	if err := writeGlob(&b, []rune(pattern)); err != nil {
		return nil, err
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

type globError string

func (e globError) Error() string { return string(e) }

func writeGlob(b *strings.Builder, p []rune) error {
	depth := 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '\\':
			if i+1 >= len(p) {
				return globError("unexpected end of pattern after escape")
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		case '[':
			end := i + 1
			for end < len(p) && p[end] != ']' {
				end++
			}
			if end >= len(p) {
				return globError("unclosed character class")
			}
			body := string(p[i+1 : end])
			b.WriteString("[")
			if strings.HasPrefix(body, "!") {
				b.WriteString("^")
				body = body[1:]
			}
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, `\`, `\\`), "[", `\[`))
			b.WriteString("]")
			i = end
		case '{':
			depth++
			b.WriteString("(?:")
		case '}':
			if depth == 0 {
				return globError("unmatched }")
			}
			depth--
			b.WriteString(")")
		case ',':
			if depth > 0 {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if depth != 0 {
		return globError("unclosed {")
	}
	return nil
}
