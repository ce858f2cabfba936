package main

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// checkFastHead fails when the fast reader accepts a document that Helm's
// path refuses or reads differently. It returns whether the fast reader took it.
func checkFastHead(t *testing.T, d string) bool {
	t.Helper()
	fast, ok := readFastHead(d)
	if !ok {
		return false
	}
	want, err := helmHead(d)
	if err != nil {
		t.Fatalf("fast reader accepted a document Helm refuses (%v):\n%s", err, d)
	}
	if !sameHead(fast, want) {
		t.Fatalf("heads differ:\nfast %#v\nHelm %#v\ndocument:\n%s", fast, want, d)
	}
	return true
}

// checkTreeHead fails when the yaml.v2-tree reading of a head (readHelmHead
// with readPlainHead) differs from Helm's path.
func checkTreeHead(t *testing.T, d string) {
	t.Helper()
	got, gotErr := readHelmHead(d)
	want, wantErr := helmHead(d)
	// Helm's error for a map with several unusable keys names whichever one
	// Go's map order reaches first, so its text can vary between runs.
	for i := 0; i < 50 && gotErr != nil && wantErr != nil && gotErr.Error() != wantErr.Error(); i++ {
		_, wantErr = helmHead(d)
	}
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Fatalf("errors differ: tree path %v, Helm %v, document:\n%s", gotErr, wantErr, d)
	}
	if gotErr == nil && !sameHead(got, want) {
		t.Fatalf("heads differ:\ntree path %#v\nHelm %#v\ndocument:\n%s", got, want, d)
	}
}

const sampleManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench-big-3
  namespace: "default"
  labels:
    app.kubernetes.io/name: big
    helm.sh/chart: big-1.0.0
  labels2:
    {}
  annotations:
    checksum/config: 0f9c8b7a
    "helm.sh/hook": pre-install,pre-upgrade
    note: 'it''s fine' # a comment
# a comment line
spec:
  replicas: 2
  selector:
    matchLabels:
      app: big-3
  template:
    metadata:
      annotations: {}
    spec:
      containers:
        - name: app
          image: "example/app:2.1"
          args: ["--port", "8080", --verbose]
          command:
          - sh
          - -c
          env:
            - name: VAR0
              value: "value-0"
            - name: EMPTY
              value:
          resources:
            limits:
              cpu: 500m
              memory: 256Mi
      volumes: []
      tolerations:
        []
      nodeSelector:
        {}
      hostname:
        "quoted-below"
      subdomain:
        plain-below # a comment
---unused
`

const sampleConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: conf
data:
  nginx.conf: |
    server {
      listen 80;   # comment kept
    	tabbed: yes
    }

  script.sh: |-
    #!/bin/sh
    echo "hi: there"
  folded: >
    a
    b
  empty: |
other: true
`

func TestFastHeadOnSamples(t *testing.T) {
	for _, d := range []string{strings.TrimSuffix(sampleManifest, "---unused\n"), sampleConfigMap} {
		d = strings.TrimSpace(d)
		if !checkFastHead(t, d) {
			t.Fatalf("fast reader declined an ordinary manifest:\n%s", d)
		}
	}
}

// Pieces of lines, ordinary and tricky, that documents are made from.
var (
	keyPieces = []string{"apiVersion", "kind", "metadata", "name", "annotations", "labels", "spec", "Kind", "NAME",
		"ApiVersion", "a", "b", "data", "y", "n", "on", "true", "null", "~", "1", "-1", ".5", ".inf", "<<", "\"q\"",
		"'s'", "\"a\\\"b\"", "x y", "a#b", "a #b", "?", "-a", "&a", "*a", "!t", "%d", "@a", "`a", "k:v", "é", "\"\\u00e9\"",
		"\"\\x41\"", "''", "\"\"", "a\tb", "key ", ".dockerconfigjson", "---", "..."}
	valuePieces = []string{"", " ", "v1", "apps/v1", "Deployment", "\"quoted\"", "'single'", "'it''s'", "\"esc\\n\\t\\\"\"",
		"\"\\u0041\\u00e9\"", "\"\\ud800\"", "\"\\x41\"", "\"\\N\"", "\"open", "'open", "1", "-1", "0x1F", "1e3", ".5", ".inf",
		"-.Inf", "+.INF", ".NaN", "true", "yes", "y", "n", "off", "null", "~", "2001-12-14", "{}", "[]", "[a, b]", "[\"a\", 'b']",
		"[a,]", "[a b]", "[-a]", "{a: b}", "[[a]]", "|", "|-", "|+", ">", ">-", "|2", "| # c", "&anchor x", "*alias",
		"!!str x", "!tag", "%x", "@x", "`x", "a: b", "a:b", "a :b", "a # c", "a#c", "#c", "- x", "-x", "--x", "? x",
		":x", ",x", "]", "}", "x ]", "é", "a\tb", "\t", "a\"b", "http://x:80/y", "<<", "=", "--- x", "... x", "x'", "\"a\" b",
		"\"a\"#c", "'a' # c", "{{ x }}", "$x", "100%", "a  ", "a: ", "long " + strings.Repeat("x", 1100)}
	indentPieces = []int{0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 6, 8}
)

func pick(r *rand.Rand, s []string) string { return s[r.Intn(len(s))] }

// randomDocument writes lines of the shapes block YAML has, at random
// indentation, mostly well-formed.
func randomDocument(r *rand.Rand) string {
	var b strings.Builder
	n := 1 + r.Intn(14)
	if r.Intn(3) > 0 {
		b.WriteString("apiVersion: " + pick(r, valuePieces[:8]) + "\nkind: " + pick(r, valuePieces[:8]) + "\n")
	}
	indent := 0
	for i := 0; i < n; i++ {
		switch r.Intn(8) {
		case 0:
			indent = pick2(r, indentPieces)
		case 1:
			indent += 2
		case 2:
			if indent >= 2 {
				indent -= 2
			}
		}
		b.WriteString(strings.Repeat(" ", indent))
		switch r.Intn(12) {
		case 0:
			b.WriteString("- ")
			fallthrough
		case 1, 2, 3, 4:
			b.WriteString(pick(r, keyPieces) + ":")
			if v := pick(r, valuePieces); v != "" {
				b.WriteString(" " + v)
			}
		case 5:
			b.WriteString("- " + pick(r, valuePieces))
		case 6:
			b.WriteString("-")
		case 7:
			b.WriteString("# " + pick(r, valuePieces))
		case 8:
			b.WriteString(pick(r, valuePieces))
		case 9:
			b.WriteString("metadata:\n" + strings.Repeat(" ", indent+2) + "name: " + pick(r, valuePieces) + "\n" +
				strings.Repeat(" ", indent+2) + "annotations:\n" + strings.Repeat(" ", indent+4) + pick(r, keyPieces) + ": " + pick(r, valuePieces))
		case 10:
			b.WriteString(pick(r, keyPieces) + ": |\n" + strings.Repeat(" ", indent+r.Intn(4)) + pick(r, valuePieces) + "\n" +
				strings.Repeat(" ", r.Intn(8)) + "\n" + strings.Repeat(" ", indent+r.Intn(4)) + pick(r, valuePieces))
		}
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String())
}

func pick2(r *rand.Rand, s []int) int { return s[r.Intn(len(s))] }

// mutate changes a few bytes of a document.
func mutate(r *rand.Rand, d string) string {
	b := []byte(d)
	alphabet := []byte(" -:#'\"\n\t\\{}[],&*!|>%@`a0.~")
	for k := 1 + r.Intn(3); k > 0 && len(b) > 0; k-- {
		i := r.Intn(len(b))
		switch r.Intn(3) {
		case 0:
			b[i] = alphabet[r.Intn(len(alphabet))]
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			b = append(b[:i], append([]byte{alphabet[r.Intn(len(alphabet))]}, b[i:]...)...)
		}
	}
	return strings.TrimSpace(string(b))
}

// generatedDocuments calls each with runs documents made from r: half
// written at random (randomDocument), half the samples mutated.
func generatedDocuments(r *rand.Rand, runs int, each func(d string)) {
	bases := []string{strings.TrimSpace(strings.TrimSuffix(sampleManifest, "---unused\n")), strings.TrimSpace(sampleConfigMap)}
	for i := 0; i < runs; i++ {
		if i%2 == 0 {
			each(randomDocument(r))
		} else {
			each(mutate(r, bases[r.Intn(len(bases))]))
		}
	}
}

func TestFastHeadMatchesHelm(t *testing.T) {
	accepted := 0
	const runs = 200000
	generatedDocuments(rand.New(rand.NewSource(2)), runs, func(d string) {
		if checkFastHead(t, d) {
			accepted++
		}
		checkTreeHead(t, d)
	})
	t.Logf("fast reader took %d of %d documents", accepted, runs)
}

func FuzzFastHead(f *testing.F) {
	f.Add(strings.TrimSuffix(sampleManifest, "---unused\n"))
	f.Add(sampleConfigMap)
	for _, k := range keyPieces {
		for _, v := range valuePieces[:40] {
			f.Add("apiVersion: v1\nkind: X\nmetadata:\n  name: n\n  annotations:\n    " + k + ": " + v + "\n" + k + ":\n  " + v + "\n")
		}
	}
	f.Fuzz(func(t *testing.T, d string) {
		checkFastHead(t, strings.TrimSpace(d))
		checkTreeHead(t, strings.TrimSpace(d))
	})
}

func TestYAMLStyleFloat(t *testing.T) {
	re := regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	r := rand.New(rand.NewSource(3))
	alphabet := "0123456789.eE+-_x"
	for i := 0; i < 500000; i++ {
		b := make([]byte, r.Intn(8))
		for j := range b {
			b[j] = alphabet[r.Intn(len(alphabet))]
		}
		if s := string(b); isYAMLStyleFloat(s) != re.MatchString(s) {
			t.Fatalf("%q: hand-written %v, regexp %v", s, isYAMLStyleFloat(s), re.MatchString(s))
		}
	}
}
