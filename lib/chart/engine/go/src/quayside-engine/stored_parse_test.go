package main

import (
	"bytes"
	"strings"
	"testing"
)

// storedParseRequest renders two templates (a helper and a file including
// it) and asks for a stored parse under key.
func storedParseRequest(helper, file, key string) []byte {
	req := strings.Replace(oneTemplateRequest(file, `{}`),
		`"templates":[`, `"templates":[{"name":"c/templates/_h.tpl","scope":0,"data":"`+helper+`"},`, 1)
	req = strings.Replace(req, `"values":"{}"`, `"values":"{\"zzzz\":\"one\",\"yyyy\":\"two\"}"`, 1)
	return []byte(strings.TrimSuffix(req, "}") + `,"storedParse":{"key":"` + key + `"}}`)
}

// forget drops what this engine instance keeps in memory, as a new process has nothing.
func forget() {
	parsedTemplates = templateCache{}
	heldTemplates = keptTemplates{}
}

func TestStoredParseRendersAsAParse(t *testing.T) {
	helper := `{{- define \"h\" -}}h={{ .Values.zzzz | quote }}{{- end -}}`
	file := `{{ include \"h\" . }} {{ range $i, $v := list 1 2 }}{{ $i }}{{ end }} {{ .Values.zzzz }}`
	forget()
	first := handleRequest(storedParseRequest(helper, file, "k1"), nil, nil)
	if first.Error != nil || first.StoredParseRefused != "" || len(first.StoredParse) == 0 {
		t.Fatalf("first render: %+v, refused %q, %d bytes", first.Error, first.StoredParseRefused, len(first.StoredParse))
	}
	want := first.Files["c/templates/t.yaml"].Content
	if want != `h="one" 01 one` {
		t.Fatalf("rendered %q", want)
	}

	forget()
	again := handleRequest(storedParseRequest(helper, file, "k1"), nil, first.StoredParse)
	if again.Error != nil || again.StoredParseRefused != "" || again.StoredParse != nil {
		t.Fatalf("from the stored parse: %+v, refused %q, answered %d bytes", again.Error, again.StoredParseRefused, len(again.StoredParse))
	}
	if got := again.Files["c/templates/t.yaml"].Content; got != want {
		t.Fatalf("from the stored parse %q, parsed %q", got, want)
	}

	// The parse is what is used, not the texts: an identifier changed in it
	// (same length) reads the other value.
	forget()
	changed := bytes.ReplaceAll(first.StoredParse, []byte("zzzz"), []byte("yyyy"))
	used := handleRequest(storedParseRequest(helper, file, "k1"), nil, changed)
	if got := used.Files["c/templates/t.yaml"].Content; got != `h="two" 01 two` {
		t.Fatalf("changed stored parse rendered %q (%+v)", got, used.Error)
	}

	// Another key, damage, or texts the parse does not fit: refused, parsed
	// as always, and answered anew.
	for name, c := range map[string]struct {
		data []byte
		file string
	}{
		"another key": {first.StoredParse, file},
		"cut short":   {first.StoredParse[:len(first.StoredParse)/2], file},
		"garbage":     {[]byte("QPT\x01garbage"), file},
		"short text":  {first.StoredParse, `{{ .Values.zzzz }}`},
	} {
		forget()
		key := "k1"
		if name == "another key" {
			key = "k2"
		}
		r := handleRequest(storedParseRequest(helper, c.file, key), nil, c.data)
		if r.Error != nil || r.StoredParseRefused == "" || len(r.StoredParse) == 0 {
			t.Fatalf("%s: %+v, refused %q, answered %d bytes", name, r.Error, r.StoredParseRefused, len(r.StoredParse))
		}
		if name != "short text" && r.Files["c/templates/t.yaml"].Content != want {
			t.Fatalf("%s: rendered %q", name, r.Files["c/templates/t.yaml"].Content)
		}
	}

	// A template that fails to execute was parsed: its parse is answered too.
	forget()
	failing := handleRequest(storedParseRequest(helper, `{{ fail \"no\" }}`, "k3"), nil, nil)
	if failing.Error == nil || len(failing.StoredParse) == 0 {
		t.Fatalf("failing render: %+v, %d bytes", failing.Error, len(failing.StoredParse))
	}
	// One that fails to parse has none.
	forget()
	broken := handleRequest(storedParseRequest(helper, `{{ .Values.zzzz `, "k4"), nil, nil)
	if broken.Error == nil || broken.Error.Kind != "parse" || broken.StoredParse != nil {
		t.Fatalf("unparsable template: %+v, %d bytes", broken.Error, len(broken.StoredParse))
	}
	// Without the request asking, nothing is answered.
	forget()
	plain := handleRequest([]byte(oneTemplateRequest(`x`, `{}`)), nil, nil)
	if plain.StoredParse != nil || plain.StoredParseRefused != "" {
		t.Fatalf("unasked: %d bytes, %q", len(plain.StoredParse), plain.StoredParseRefused)
	}
}
