// This file is quayside's, not Go's: tests of cache.go.

package parse

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// parseSet parses texts (name → text) as one set, the way text/template
// does: each text's own tree under its name, and its defines under theirs.
func parseSet(t testing.TB, texts map[string]string) []NamedTree {
	return parseSetMode(t, texts, 0)
}

func parseSetMode(t testing.TB, texts map[string]string, mode Mode) []NamedTree {
	t.Helper()
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	sort.Strings(names)
	// Each text is parsed into a set of its own, then added to the whole as
	// text/template's AddParseTree does: a later tree replaces an earlier one
	// of the same name unless it is empty.
	set := map[string]*Tree{}
	for _, name := range names {
		own := map[string]*Tree{}
		tr := New(name)
		tr.Mode = mode
		if _, err := tr.Parse(texts[name], "", "", own, builtins); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for n, tree := range own {
			if old := set[n]; old == nil || !IsEmptyTree(tree.Root) {
				set[n] = tree
			}
		}
	}
	named := make([]NamedTree, 0, len(set))
	for name, tr := range set {
		named = append(named, NamedTree{Name: name, Tree: tr})
	}
	sort.Slice(named, func(i, j int) bool { return named[i].Name < named[j].Name })
	return named
}

// sameTrees compares two sets field by field, unexported fields included: each
// node's tree must be the decoded counterpart of the original node's tree.
func sameTrees(t testing.TB, want, got []NamedTree) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d trees, want %d", len(got), len(want))
	}
	trees := map[uintptr]uintptr{}
	for i := range want {
		trees[reflect.ValueOf(want[i].Tree).Pointer()] = reflect.ValueOf(got[i].Tree).Pointer()
	}
	for i := range want {
		if want[i].Name != got[i].Name {
			t.Fatalf("tree %d named %q, want %q", i, got[i].Name, want[i].Name)
		}
		if path, ok := sameValue(reflect.ValueOf(want[i].Tree).Elem(), reflect.ValueOf(got[i].Tree).Elem(), trees, want[i].Name); !ok {
			t.Fatalf("differs at %s", path)
		}
	}
}

var treeType = reflect.TypeOf(&Tree{})

// treeFields are what a parsed tree keeps; the rest serves only while parsing.
var treeFields = map[string]bool{"Name": true, "ParseName": true, "Root": true, "Mode": true, "text": true}

func sameValue(a, b reflect.Value, trees map[uintptr]uintptr, path string) (string, bool) {
	if a.Kind() != b.Kind() || a.Type() != b.Type() {
		return path + " (type)", false
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return path, a.IsNil() == b.IsNil()
		}
		if a.Type() == treeType {
			return path + ".tr", trees[a.Pointer()] == b.Pointer()
		}
		return sameValue(a.Elem(), b.Elem(), trees, path)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return path, a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem(), trees, path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if a.Type() == treeType.Elem() && !treeFields[a.Type().Field(i).Name] {
				continue // parsing only
			}
			if p, ok := sameValue(a.Field(i), b.Field(i), trees, path+"."+a.Type().Field(i).Name); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() && a.Len() > 0 {
			return path + " (nil)", false
		}
		if a.Len() != b.Len() {
			return path + " (len)", false
		}
		for i := 0; i < a.Len(); i++ {
			if p, ok := sameValue(a.Index(i), b.Index(i), trees, path+"["+string(rune('0'+i%10))+"]"); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if p, ok := sameValue(a.Index(i), b.Index(i), trees, path); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Map:
		return path + " (map)", a.IsNil() && b.IsNil()
	case reflect.String:
		return path, a.String() == b.String()
	case reflect.Bool:
		return path, a.Bool() == b.Bool()
	case reflect.Int, reflect.Int32, reflect.Int64:
		return path, a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint64:
		return path, a.Uint() == b.Uint()
	case reflect.Float64:
		return path, a.Float() == b.Float()
	case reflect.Complex128:
		return path, a.Complex() == b.Complex()
	}
	return path + " (kind " + a.Kind().String() + ")", false
}

func roundTrip(t testing.TB, texts map[string]string) {
	t.Helper()
	roundTripMode(t, texts, 0)
}

func roundTripMode(t testing.TB, texts map[string]string, mode Mode) {
	t.Helper()
	named := parseSetMode(t, texts, mode)
	data, err := EncodeTrees("key", named)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTrees("key", data, texts)
	if err != nil {
		t.Fatal(err)
	}
	sameTrees(t, named, got)
	for i := range named {
		if a, b := named[i].Tree.Root.String(), got[i].Tree.Root.String(); a != b {
			t.Fatalf("%s prints %q, want %q", named[i].Name, b, a)
		}
	}
}

func TestTreesRoundTripParseTests(t *testing.T) {
	for _, test := range parseTests {
		if !test.ok {
			continue
		}
		t.Run(test.name, func(t *testing.T) {
			roundTrip(t, map[string]string{test.name: test.input})
		})
	}
}

func TestTreesRoundTripSet(t *testing.T) {
	roundTrip(t, map[string]string{
		"a/_helpers.tpl": "{{- define \"x\" -}}\n  {{ .Values.a | printf \"%s\" | contains \"b\" }}\n{{- end }}\n" +
			"{{ define \"y\" }}{{ range $i, $v := .L }}{{ if $i }}{{ continue }}{{ else if $v }}{{ break }}{{ end }}{{ $v }}{{ end }}{{ end }}",
		"a/t.yaml": "kind: {{ template \"x\" . }}\n{{/* c */}}{{ with $.A }}{{ .B.C }}{{ else }}{{ nil | printf \"%v\" }}{{ end }}\n" +
			"{{ $x := 1 }}{{ $x = 2.5e3 }}{{ 0x1F }} {{ 'a' }} {{ 1i }} {{ -7 }} {{ true }} {{ (.A).B }} {{ `raw` }}\n" +
			"{{ template \"y\" }}{{- \"trimmed\" -}}   \n  tail",
		"b/t.yaml": "", // an empty file is a tree of its own
	})
}

func TestTreesDecodeRefusesOthers(t *testing.T) {
	texts := map[string]string{"t": "a {{ .B }} {{ define \"d\" }}{{ 3 }}{{ end }}"}
	data, err := EncodeTrees("key", parseSet(t, texts))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeTrees("other", data, texts); err == nil || !strings.Contains(err.Error(), "other templates") {
		t.Fatalf("another key: %v", err)
	}
	if _, err := DecodeTrees("key", data, map[string]string{"u": texts["t"]}); err == nil {
		t.Fatal("decoded without the text it was parsed from")
	}
	if _, err := DecodeTrees("key", data, map[string]string{"t": "a"}); err == nil {
		t.Fatal("decoded positions past a shorter text")
	}
	// Every truncation and every single-byte change either fails or decodes;
	// none panics or runs away.
	for i := 0; i < len(data); i++ {
		if _, err := DecodeTrees("key", data[:i], texts); err == nil {
			t.Fatalf("decoded %d of %d bytes", i, len(data))
		}
		for _, x := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff} {
			changed := append([]byte{}, data...)
			changed[i] ^= x
			_, _ = DecodeTrees("key", changed, texts)
		}
	}
}

func FuzzTreesDecode(f *testing.F) {
	texts := map[string]string{"t": "a {{ .B }} {{ range .C }}{{ . }}{{ end }}"}
	data, err := EncodeTrees("key", parseSet(f, texts))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeTrees("key", b, texts)
	})
}

// The templates of the public charts the project is checked against, each
// chart's as one set (Sprig's and Helm's functions are not checked here).
func TestTreesRoundTripRealCharts(t *testing.T) {
	root := "../../../../../../../../../../../shared/conformance/real-charts"
	charts, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("reading the real charts (../shared beside the checkout): %v", err)
	}
	files := 0
	for _, chart := range charts {
		if !chart.IsDir() || chart.Name() == "known-differences" {
			continue
		}
		texts := map[string]string{}
		base := filepath.Join(root, chart.Name(), "chart")
		err := filepath.WalkDir(base, func(path string, entry fs.DirEntry, err error) error {
			if err != nil || entry.IsDir() || !strings.Contains(path, "/templates/") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			texts[strings.TrimPrefix(path, base+"/")] = string(data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		files += len(texts)
		t.Run(chart.Name(), func(t *testing.T) { roundTripMode(t, texts, SkipFuncCheck) })
	}
	if files < 500 {
		t.Fatalf("only %d template files under %s", files, root)
	}
	t.Logf("%d template files", files)
}
