//go:build !(js && wasm)

package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
)

func frames(parts ...string) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		var head [4]byte
		binary.BigEndian.PutUint32(head[:], uint32(len(p)))
		b.Write(head[:])
		b.WriteString(p)
	}
	return b.Bytes()
}

func serveAll(t *testing.T, input []byte) ([]string, error) {
	t.Helper()
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	err := serve(bufio.NewReader(bytes.NewReader(input)), w)
	var answers []string
	r := bufio.NewReader(&out)
	for {
		f, ferr := readFrame(r)
		if ferr == io.EOF {
			break
		}
		if ferr != nil {
			t.Fatalf("reading the answers: %v", ferr)
		}
		answers = append(answers, string(f))
	}
	return answers, err
}

func TestServeAnswersEachCallInOrderUntilInputEnds(t *testing.T) {
	request := `{"templates":[{"name":"c/templates/a.yaml","data":"a: {{ .Values.x }}","scope":0}],` +
		`"scopes":[{"chart":{"name":"c","version":"1.0.0","apiVersion":"v2"},"isRoot":true,"values":"{\"x\":2}","files":{},"subcharts":{},"basePath":"c/templates"}],` +
		`"release":{"name":"r","namespace":"default","revision":1,"isInstall":true,"service":"Helm"}}`
	input := append(frames("yaml", "values", "a: [x, y]\n"), frames("render", request, "", "")...)
	input = append(input, frames("yaml", "document", "a: [1\n")...)
	answers, err := serveAll(t, input)
	if err != io.EOF {
		t.Fatalf("serve ended with %v, want io.EOF", err)
	}
	if len(answers) != 6 {
		t.Fatalf("got %d frames, want two for each of three calls: %q", len(answers), answers)
	}
	if answers[0] != `{"value":{"a":["x",true]}}` || answers[1] != "" {
		t.Errorf("yaml answer: %q %q", answers[0], answers[1])
	}
	if !strings.Contains(answers[2], `"c/templates/a.yaml":{"content":"a: 2"}`) || answers[3] != "" {
		t.Errorf("render answer: %q %q", answers[2], answers[3])
	}
	if !strings.Contains(answers[4], `"error":`) {
		t.Errorf("yaml error answer: %q", answers[4])
	}
}

func TestServeRefusesAnUnknownOperationAndACutCall(t *testing.T) {
	if _, err := serveAll(t, frames("frobnicate")); err == nil || !strings.Contains(err.Error(), `unknown operation "frobnicate"`) {
		t.Errorf("unknown operation: %v", err)
	}
	if _, err := serveAll(t, frames("yaml", "values")); err != io.ErrUnexpectedEOF {
		t.Errorf("a call without its text: %v, want io.ErrUnexpectedEOF", err)
	}
	cut := frames("yaml", "values", "a: 1")
	if _, err := serveAll(t, cut[:len(cut)-2]); err != io.ErrUnexpectedEOF {
		t.Errorf("a frame cut short: %v, want io.ErrUnexpectedEOF", err)
	}
}
