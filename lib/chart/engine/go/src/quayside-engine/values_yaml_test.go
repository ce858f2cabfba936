package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadValuesMergesDocumentsInOrder(t *testing.T) {
	reply := readYAML("values", "a: 1\nb: {x: 1}\n---\n# a comment only\n--- # trailing comment\nb: {z: 2}\nt: 1:20\n")
	if reply.Error != "" {
		t.Fatalf("unexpected error %q", reply.Error)
	}
	if got, want := string(reply.Value), `{"a":1,"b":{"x":1,"z":2},"t":"1:20"}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestReadValuesGivesHelmsErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"a: .inf\n", "cannot unmarshal yaml document: error converting YAML to JSON: json: unsupported value: +Inf"},
		{"a:\n  b: 1\n c: 2\n", "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line"},
		{"a: 1\n---x\n", "error reading yaml document: invalid Yaml document separator: x"},
		{"- 1\n", "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array"},
	} {
		reply := readYAML("values", c.text)
		if !strings.HasPrefix(reply.Error, c.want) {
			t.Errorf("%q: got error %q, want it to start %q", c.text, reply.Error, c.want)
		}
	}
}

// fullValuesReply is Helm's path alone: every document decoded into a map,
// merged, and encoded again.
func fullValuesReply(text string) yamlReply {
	documents, err := splitValuesDocuments([]byte(text))
	if err != nil {
		return yamlReply{Error: splitError(err).Error()}
	}
	values, err := mergeValuesDocuments(documents)
	if err != nil {
		return yamlReply{Error: err.Error()}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return yamlReply{Error: err.Error()}
	}
	return yamlReply{Value: data}
}

// checkValuesReply fails when readYAML answers a values file otherwise than
// Helm's path: another error, or JSON that decodes to other values. It
// returns whether the converted JSON was used.
func checkValuesReply(t *testing.T, text string) bool {
	t.Helper()
	got, want := readYAML("values", text), fullValuesReply(text)
	// An error about a map with several unusable keys names whichever Go's map
	// order reaches first, so its text can vary between runs.
	for i := 0; i < 50 && got.Error != "" && want.Error != "" && got.Error != want.Error; i++ {
		want = fullValuesReply(text)
	}
	if got.Error != want.Error {
		t.Fatalf("errors differ: got %q, Helm's path %q, values file:\n%s", got.Error, want.Error, text)
	}
	if want.Error != "" {
		return false
	}
	var g, w interface{}
	if err := json.Unmarshal(got.Value, &g); err != nil {
		t.Fatalf("the reply is not JSON (%v): %s", err, got.Value)
	}
	if err := json.Unmarshal(want.Value, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("values differ:\ngot  %s\nHelm %s\nvalues file:\n%s", got.Value, want.Value, text)
	}
	documents, err := splitValuesDocuments([]byte(text))
	if err != nil {
		t.Fatal(err) // Helm's path failed on it above
	}
	_, converted := valuesAsConverted(documents)
	return converted
}

func TestValuesReplyMatchesHelmsPath(t *testing.T) {
	for _, text := range []string{
		"", "\n", "# only a comment\n", "a: 1", "a: 1\r\nb: 2\r\n", "---\na: 1\n", "a: 1\n---\n", "a: 1\n--- \nb: 2\n",
		"big: 12345678901234567890\nneg: -9223372036854775808\nf: 1e300\nz: -0.0\nh: 0x1F\no: 0755\n",
		"k:\n  1: one\n  1.5: x\n  true: y\n  ~: z\n", "a: !!binary aGVsbG8=\n", "a: !!binary /w==\n",
		"s: <b>&amp;</b>\nu: \"\\u2028\\ud800\"\n", "a: &x {b: [1, 2]}\nc: *x\nd:\n  <<: *x\n  e: 3\n",
		"t: 2001-12-14T21:59:43.10-05:00\nd: 2002-12-14\n", "a: .nan\n", "- 1\n", "\"x\"\n", "a: [\n",
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n",
		"a: " + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + "\n",
		"a: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n",
	} {
		checkValuesReply(t, text)
	}
	if !checkValuesReply(t, "image:\n  repository: nginx\n  tag: \"1.25\"\nreplicas: 2\n") {
		t.Fatal("an ordinary values file was not read from its converted JSON")
	}
}

func TestValuesReplyOnGeneratedFiles(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	converted := 0
	const runs = 40000
	generatedDocuments(r, runs, func(d string) {
		if r.Intn(4) == 0 {
			d = strings.ReplaceAll(d, "\n", "\r\n")
		}
		if checkValuesReply(t, d) {
			converted++
		}
	})
	t.Logf("%d of %d read from the converted JSON", converted, runs)
}

// The values files of the public charts the project is checked against.
func TestValuesReplyOnRealCharts(t *testing.T) {
	root := "../../../../../../../shared/conformance/real-charts"
	files := 0
	err := filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() || !strings.HasSuffix(path, ".yaml") || !strings.Contains(path, "values") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		checkValuesReply(t, string(data))
		return nil
	})
	if err != nil {
		t.Fatalf("reading the real charts (../shared beside the checkout): %v", err)
	}
	if files < 50 {
		t.Fatalf("only %d values files under %s", files, root)
	}
	t.Logf("%d values files", files)
}

func TestSplitValuesDocumentsAsLineByLine(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	pieces := []string{"a: 1", "---", "--- # c", "---x", "-- -", " ---", "\n", "\r\n", "\r", "", "#", "b", "\n---\n"}
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for n := r.Intn(8); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := []byte(b.String())
		got, gotErr := splitValuesDocuments(text)
		want, wantErr := splitValuesLines(text)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %q (%v), line by line %q (%v)", text, got, gotErr, want, wantErr)
		}
	}
}

func FuzzValuesReply(f *testing.F) {
	f.Add("a: 1\nb: [x, {c: d}]\n")
	f.Add("a: 1\n---\nb: 2\n")
	f.Fuzz(func(t *testing.T, text string) {
		checkValuesReply(t, text)
	})
}
