package main

import (
	"io"
	"quayside-engine/internal/text/template"
	"testing"
)

func execute(t *testing.T, text string, data interface{}) error {
	t.Helper()
	tpl := template.Must(template.New("repro/templates/cm.yaml").Funcs(template.FuncMap{
		"fail": func(msg string) (string, error) { return "", errorString(warnWrap(msg)) },
	}).Parse(text))
	return tpl.Execute(io.Discard, data)
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestExecErrorIsHelm4sTrace(t *testing.T) {
	err := execute(t, `{{- range .hosts }}x{{ end }}`, map[string]interface{}{"hosts": "foo"})
	want := "repro/templates/cm.yaml:1:10\n  executing \"repro/templates/cm.yaml\" at <.hosts>:\n    range can't iterate over foo"
	if got := execErrorMessage("repro/templates/cm.yaml", err); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFailMessagesSpanningLinesAreUnwrapped(t *testing.T) {
	err := execute(t, `{{- fail "VALUES VALIDATION:\nline two" }}`, nil)
	want := "execution error at (repro/templates/cm.yaml:1:4): VALUES VALIDATION:\nline two"
	if got := execErrorMessage("repro/templates/cm.yaml", err); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
