package main

import (
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
