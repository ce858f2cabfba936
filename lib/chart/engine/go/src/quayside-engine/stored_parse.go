package main

import (
	"fmt"
	"sort"

	"quayside-engine/internal/text/template"
	"quayside-engine/internal/text/template/parse"
)

// storedParse carries a chart's parsed templates between processes. Parsing
// is most of a big chart's render here (kube-prometheus-stack: ~320 of ~500
// ms in WebAssembly), and the CLI is a new process each time; so the host
// keeps a parse on disk under a digest of the template names and texts (and
// of this engine), sends it with the next request for the same templates,
// and this engine rebuilds the set from it instead of parsing. A parse it
// cannot use is refused, and the templates are parsed as always.
type storedParse struct {
	key string
	// data is the encoded parse the host sent, if any.
	data []byte
	// encoded is this render's parse, when the host has none to keep.
	encoded []byte
	// refused says why data was not used.
	refused string
}

// newStoredParse is nil when the request did not ask; data is nil when the
// host has no parse of these templates.
func newStoredParse(in *storedParseInput, data []byte) *storedParse {
	if in == nil {
		return nil
	}
	return &storedParse{key: in.Key, data: data}
}

// restore rebuilds the set from the stored parse, or returns nil (the
// reason in refused) when there is none or it does not fit these sources.
func (s *storedParse) restore(newSet func() *template.Template, sources []templateSource) *template.Template {
	if s == nil || s.data == nil {
		return nil
	}
	texts := make(map[string]string, len(sources))
	for _, src := range sources {
		texts[src.name] = src.data
	}
	named, err := parse.DecodeTrees(s.key, s.data, texts)
	if err != nil {
		s.refused = err.Error()
		return nil
	}
	t := newSet()
	for _, n := range named {
		if _, err := t.AddParseTree(n.Name, n.Tree); err != nil {
			s.refused = err.Error()
			return nil
		}
	}
	// Each file parsed is a template of the set under its own name.
	for _, src := range sources {
		if t.Lookup(src.name) == nil {
			s.refused = fmt.Sprintf("the stored parse has no template %s", src.name)
			return nil
		}
	}
	return t
}

// answer adds to r what the host is to keep, and why it was not used.
func (s *storedParse) answer(r response) response {
	if s != nil {
		r.StoredParse, r.StoredParseRefused = s.encoded, s.refused
	}
	return r
}

// encode keeps the set's parse for the host when it asked and brought none
// it could use.
func (s *storedParse) encode(t *template.Template) {
	if s == nil || (s.data != nil && s.refused == "") {
		return
	}
	var named []parse.NamedTree
	for _, tm := range t.Templates() {
		if tm.Tree != nil {
			named = append(named, parse.NamedTree{Name: tm.Name(), Tree: tm.Tree})
		}
	}
	sort.Slice(named, func(i, j int) bool { return named[i].Name < named[j].Name })
	encoded, err := parse.EncodeTrees(s.key, named)
	if err != nil {
		s.refused = "cannot encode the parse: " + err.Error()
		return
	}
	s.encoded = encoded
}
