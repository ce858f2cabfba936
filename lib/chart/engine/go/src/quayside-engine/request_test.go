package main

import (
	"strings"
	"testing"
)

// fileRequest is a one-template request whose template prints two files that
// the scope places in fileData.
func fileRequest(files string) string {
	return `{"templates":[{"name":"c/templates/t.yaml","scope":0,` +
		`"data":"a={{ .Files.Get \"a.txt\" }} b={{ .Files.Get \"b.txt\" }}"}],` +
		`"scopes":[{"chart":{"name":"c","version":"1.0.0"},"isRoot":true,"values":"{}",` +
		`"files":` + files + `,"subcharts":{},"basePath":"c/templates"}],` +
		`"release":{"name":"r","namespace":"default","revision":1,"isInstall":true,"service":"Helm"},` +
		`"capabilities":{"kubeVersion":{"version":"v1.35.0","normalized":"v1.35.0","major":"1","minor":"35"},` +
		`"apiVersions":[],"helmVersion":{}},"templatesKey":"test-files"}`
}

func TestFilesAreReadFromTheBytesBesideTheRequest(t *testing.T) {
	data := []byte("helloworld")
	r := handleRequest([]byte(fileRequest(`{"a.txt":[0,5],"b.txt":[5,5]}`)), data)
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
		r := handleRequest([]byte(fileRequest(files)), []byte("helloworld"))
		if r.Error == nil || !strings.Contains(r.Error.Message, "invalid file") {
			t.Fatalf("%s: want an invalid file error, got %+v", files, r.Error)
		}
	}
}
