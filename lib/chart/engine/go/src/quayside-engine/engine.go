package main

import (
	"errors"
	"fmt"
	"path"
	"quayside-engine/internal/text/template"
	"regexp"
	"sort"
	"strings"
)

// renderable is one template file with the scope it executes in.
type renderable struct {
	tpl      string
	vals     map[string]interface{}
	basePath string
}

type engine struct {
	strict bool
	// stored, when set, carries a parse another process made and asks for
	// this one's (stored_parse.go).
	stored *storedParse
}

// Helm marks messages of required/fail so the final error shows only them.
const (
	warnStartDelim = "HELM_ERR_START"
	warnEndDelim   = "HELM_ERR_END"
	// includeDepthLimit bounds include recursion the way Helm does (1000).
	includeDepthLimit = 1000
)

// sharedFuncs are the functions that close over nothing; built once per process.
var sharedFuncs = baseFuncMap()

// (?s): a required/fail message may span lines, and Helm 4 still unwraps it then.
var warnRegex = regexp.MustCompile(warnStartDelim + `((?s).*)` + warnEndDelim)

func warnWrap(warn string) string { return warnStartDelim + warn + warnEndDelim }

func missingKeyOption(strict bool) string {
	if strict {
		return "missingkey=error"
	}
	// zero still prints "<no value>" for interface maps; render removes it.
	return "missingkey=zero"
}

func includeFunc(t *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		if v, ok := included[name]; ok {
			if v > includeDepthLimit {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			included[name]++
		} else {
			included[name] = 1
		}
		err := t.ExecuteTemplate(&buf, name, data)
		included[name]--
		return buf.String(), err
	}
}

// tplFunc is Helm's tpl: the text is parsed into a clone of the set (its
// defines stay out of the set) and executed with vals. A text is cloned and
// parsed once per render, as the first call did, and executed again for the
// next calls with it: executing does not change a set, so each call still sees
// the set and the text as a fresh clone would (kube-prometheus-stack calls tpl
// hundreds of times, and cloning its hundreds of templates each time was ~7%
// of its render).
func tplFunc(parent *template.Template, included map[string]int, strict bool) func(string, interface{}) (string, error) {
	prepared := make(map[string]*template.Template)
	return func(text string, vals interface{}) (string, error) {
		t := prepared[text]
		if t == nil {
			clone, err := parent.Clone()
			if err != nil {
				return "", fmt.Errorf("cannot clone template: %w", err)
			}
			// Clone drops the option, so it is set again (golang/go#43022).
			clone.Option(missingKeyOption(strict))
			// include and tpl must close over the clone so defines made inside tpl resolve.
			clone.Funcs(template.FuncMap{
				"include": includeFunc(clone, included),
				"tpl":     tplFunc(clone, included, strict),
			})
			t, err = clone.New(parent.Name()).Parse(text)
			if err != nil {
				return "", fmt.Errorf("cannot parse template %q: %w", text, err)
			}
			prepared[text] = t
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

// renderFuncs are the functions bound to one render of the set t.
func (e engine) renderFuncs(t *template.Template) template.FuncMap {
	included := make(map[string]int)
	return template.FuncMap{
		"include": includeFunc(t, included),
		"tpl":     tplFunc(t, included, e.strict),
	}
}

func (e engine) funcMap(t *template.Template) template.FuncMap {
	f := make(template.FuncMap, len(sharedFuncs)+4)
	for k, v := range sharedFuncs {
		f[k] = v
	}
	for k, v := range e.renderFuncs(t) {
		f[k] = v
	}
	f["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warnWrap(warn))
		} else if s, ok := val.(string); ok && s == "" {
			return val, errors.New(warnWrap(warn))
		}
		return val, nil
	}
	f["fail"] = func(msg string) (string, error) {
		return "", errors.New(warnWrap(msg))
	}
	return f
}

// parsedTemplates is shared by all renders of this engine instance.
var parsedTemplates templateCache

// parse returns the chart's templates parsed into one set (deepest charts
// first, so a parent's define replaces a subchart's of the same name), from
// the cache when the same texts were parsed before.
func (e engine) parse(tpls map[string]renderable) (*template.Template, *engineError) {
	keys := sortTemplates(tpls)
	sources := make([]templateSource, len(keys))
	for i, name := range keys {
		sources[i] = templateSource{name: name, data: tpls[name].tpl}
	}
	if cached := parsedTemplates.lookup(e.strict, sources); cached != nil {
		e.stored.encode(cached.tmpl)
		return cached.tmpl, nil
	}
	if t := e.stored.restore(e.newSet, sources); t != nil {
		parsedTemplates.store(&parsedSet{strict: e.strict, sources: sources, tmpl: t})
		return t, nil
	}
	t := e.newSet()
	for _, s := range sources {
		if _, err := t.New(s.name).Parse(s.data); err != nil {
			return nil, &engineError{Kind: "parse", Message: cleanupParseError(s.name, err).Error(), Template: s.name}
		}
	}
	parsedTemplates.store(&parsedSet{strict: e.strict, sources: sources, tmpl: t})
	e.stored.encode(t)
	return t, nil
}

// newSet is an empty template set with the engine's option and functions.
func (e engine) newSet() *template.Template {
	t := template.New("gotpl")
	t.Option(missingKeyOption(e.strict))
	t.Funcs(e.funcMap(t))
	return t
}

// render executes each template file that is not a partial.
func (e engine) render(tpls map[string]renderable) (rendered map[string]string, rerr *engineError) {
	defer func() {
		if r := recover(); r != nil {
			rendered = nil
			rerr = &engineError{Kind: "render", Message: fmt.Sprintf("rendering template failed: %v", r)}
		}
	}()
	t, perr := e.parse(tpls)
	if perr != nil {
		return nil, perr
	}
	// A fresh include depth count per render: a panic may leave the last one unbalanced.
	t.Funcs(e.renderFuncs(t))
	keys := sortTemplates(tpls)
	rendered = make(map[string]string, len(keys))
	for _, name := range keys {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		vals := tpls[name].vals
		// Helm sets .Template on the shared scope map, so included
		// templates see the file being executed.
		vals["Template"] = map[string]interface{}{"Name": name, "BasePath": tpls[name].basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
			return nil, &engineError{Kind: "execute", Message: execErrorMessage(name, err), Template: name}
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

func cleanupParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	location := tokens[1]
	return fmt.Errorf("parse error at (%s): %s", location, tokens[len(tokens)-1])
}

// sortTemplates orders by path depth, deepest first, then by name descending,
// which is the parse order Helm uses.
func sortTemplates(tpls map[string]renderable) []string {
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca == cb {
			return a > b
		}
		return ca > cb
	})
	return keys
}
