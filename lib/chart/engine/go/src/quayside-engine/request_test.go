package main

import (
	"strings"
	"testing"
)

// fileRequest is a one-template request whose template prints two files that
// the scope places in fileData.
func fileRequest(files string) string {
	return oneTemplateRequest(`a={{ .Files.Get \"a.txt\" }} b={{ .Files.Get \"b.txt\" }}`, files)
}

// oneTemplateRequest renders one template (its text as a JSON string's
// contents) of a chart whose files are placed as `files` says.
func oneTemplateRequest(template string, files string) string {
	return `{"templates":[{"name":"c/templates/t.yaml","scope":0,"data":"` + template + `"}],` +
		`"scopes":[{"chart":{"name":"c","version":"1.0.0"},"isRoot":true,"values":"{}",` +
		`"files":` + files + `,"subcharts":{},"basePath":"c/templates"}],` +
		`"release":{"name":"r","namespace":"default","revision":1,"isInstall":true,"service":"Helm"},` +
		`"capabilities":{"kubeVersion":{"version":"v1.35.0","normalized":"v1.35.0","major":"1","minor":"35"},` +
		`"apiVersions":[],"helmVersion":{}},"templatesKey":"test-files"}`
}

func TestFilesAreReadFromTheBytesBesideTheRequest(t *testing.T) {
	data := []byte("helloworld")
	r := handleRequest([]byte(fileRequest(`{"a.txt":[0,5],"b.txt":[5,5]}`)), data, nil)
	if r.Error != nil {
		t.Fatalf("render failed: %+v", r.Error)
	}
	if got := r.Files["c/templates/t.yaml"].Content; got != "a=hello b=world" {
		t.Fatalf("rendered %q", got)
	}
}

func TestFilesOutsideTheBytesAreRefused(t *testing.T) {
	for _, files := range []string{
		`{"a.txt":[0,5],"b.txt":[5,6]}`,
		`{"a.txt":[-1,5],"b.txt":[5,5]}`,
		`{"a.txt":[0,-5],"b.txt":[5,5]}`,
		`{"a.txt":[11,0],"b.txt":[5,5]}`,
	} {
		r := handleRequest([]byte(fileRequest(files)), []byte("helloworld"), nil)
		if r.Error == nil || !strings.Contains(r.Error.Message, "invalid file") {
			t.Fatalf("%s: want an invalid file error, got %+v", files, r.Error)
		}
	}
}

func renderOne(t *testing.T, template string) (string, *engineError) {
	t.Helper()
	r := handleRequest([]byte(oneTemplateRequest(template, `{}`)), nil, nil)
	return r.Files["c/templates/t.yaml"].Content, r.Error
}

// tpl parses a text once per render and executes it again for later calls:
// each call must still answer as a fresh clone of the set would.
func TestTplAnswersEachCallAsAFreshClone(t *testing.T) {
	got, err := renderOne(t, `{{ tpl \"{{ .a }}\" (dict \"a\" 1) }} {{ tpl \"{{ .a }}\" (dict \"a\" 2) }}`)
	if err != nil || got != "1 2" {
		t.Fatalf("same text, other values: got %q, %+v", got, err)
	}
	define := `{{ define \\\"x\\\" }}X{{ .n }}{{ end }}{{ include \\\"x\\\" . }}`
	got, err = renderOne(t, `{{ tpl \"`+define+`\" (dict \"n\" 1) }} {{ tpl \"`+define+`\" (dict \"n\" 2) }}`)
	if err != nil || got != "X1 X2" {
		t.Fatalf("a define inside tpl, twice: got %q, %+v", got, err)
	}
	// What tpl defines stays in its clone, however often it ran.
	_, err = renderOne(t, `{{ tpl \"`+define+`\" (dict \"n\" 1) }}{{ include \"x\" . }}`)
	if err == nil || !strings.Contains(err.Message, `no template "x"`) {
		t.Fatalf("a define made in tpl was seen by the set: %+v", err)
	}
}
