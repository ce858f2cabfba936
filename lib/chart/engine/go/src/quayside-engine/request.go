package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// request is one whole chart tree to render. Values travel as JSON text with
// their own number rule (see decodeValues) so integers from --set stay int64
// while numbers from YAML files become float64, as they do in Helm.
type request struct {
	Templates []templateInput `json:"templates"`
	// TemplatesKey names the template set; when the request has no
	// "templates" field, the set kept under this key from an earlier request
	// is used (template_cache.go).
	TemplatesKey string       `json:"templatesKey"`
	Scopes       []scopeInput `json:"scopes"`
	Release      releaseInput `json:"release"`
	Capabilities capsInput    `json:"capabilities"`
	Strict       bool         `json:"strict"`
	// SplitManifests asks for each rendered file to be split into YAML
	// documents whose heads are parsed here, with the same YAML library Helm uses.
	SplitManifests bool `json:"splitManifests"`
	// VerifyShortcuts runs Helm's own paths beside the engine's shortcuts
	// and fails on any difference (see verify.go).
	VerifyShortcuts bool `json:"verifyShortcuts"`
	// Lookup, when set, lets templates read the cluster through the host (lookup.go).
	Lookup *lookupInput `json:"lookup"`
	// StoredParse, when set, names these templates' parse as another process
	// kept it, and asks for this one's when it has none (stored_parse.go).
	StoredParse *storedParseInput `json:"storedParse"`
}

type storedParseInput struct {
	// Key stands for the template names and texts and this engine (the
	// host's digest); the encoded parse the host sends beside the request,
	// if it has one, carries it too.
	Key string `json:"key"`
}

type lookupInput struct {
	Answers []lookupAnswer `json:"answers"`
}

type templateInput struct {
	Name  string `json:"name"`
	Data  string `json:"data"`
	Scope int    `json:"scope"`
}

type scopeInput struct {
	Chart  json.RawMessage `json:"chart"`
	IsRoot bool            `json:"isRoot"`
	Values string          `json:"values"`
	// Files are [offset, length] in the bytes sent beside the request.
	Files     map[string][2]int `json:"files"`
	Subcharts map[string]int    `json:"subcharts"`
	BasePath  string            `json:"basePath"`
}

type releaseInput struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Revision  int    `json:"revision"`
	IsInstall bool   `json:"isInstall"`
	IsUpgrade bool   `json:"isUpgrade"`
	Service   string `json:"service"`
}

type capsInput struct {
	KubeVersion struct {
		Version    string `json:"version"`
		Normalized string `json:"normalized"`
		Major      string `json:"major"`
		Minor      string `json:"minor"`
	} `json:"kubeVersion"`
	APIVersions []string  `json:"apiVersions"`
	HelmVersion BuildInfo `json:"helmVersion"`
}

type response struct {
	Files map[string]renderedFile `json:"files,omitempty"`
	Error *engineError            `json:"error,omitempty"`
	// Shortcuts counts the shortcuts taken, when the request asked to verify them.
	Shortcuts *shortcutCounts `json:"shortcuts,omitempty"`
	// LookupMisses are lookups this render made that the host has not answered yet.
	LookupMisses []lookupKey `json:"lookupMisses,omitempty"`
	// StoredParse is this render's parse encoded for the host to keep, when
	// the request asked for it and brought none that could be used. It goes
	// to JavaScript beside the JSON, as bytes (main.go).
	StoredParse []byte `json:"-"`
	// StoredParseRefused says why the parse the request brought was not used
	// (for the tests: the host writes the parse answered in its place).
	StoredParseRefused string `json:"-"`
}

type renderedFile struct {
	// Content is left out once the file is split into Documents.
	Content   string             `json:"content,omitempty"`
	Documents []manifestDocument `json:"documents,omitempty"`
	// ParseError is Helm's "YAML parse error on …" message for this file.
	ParseError string `json:"parseError,omitempty"`
}

type engineError struct {
	Kind     string `json:"kind"`
	Message  string `json:"message"`
	Template string `json:"template,omitempty"`
}

func failure(kind, message, template string) response {
	return response{Error: &engineError{Kind: kind, Message: message, Template: template}}
}

func encodeResponse(r response) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Rendered manifests contain <, > and & often; escaping them would only cost time.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return `{"error":{"kind":"internal","message":"cannot encode the engine response"}}`
	}
	return buf.String()
}

func handleRequest(raw []byte, fileData []byte, storedParseData []byte) response {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return failure("internal", "invalid engine request: "+err.Error(), "")
	}
	scopes, err := buildScopes(&req, fileData)
	if err != nil {
		return failure("internal", err.Error(), "")
	}
	templates := req.Templates
	// No "templates" at all (not an empty list, which a chart without
	// templates sends) asks for the set kept under the key.
	if templates == nil && req.TemplatesKey != "" {
		if templates = heldTemplates.get(req.TemplatesKey); templates == nil {
			return failure("templates-unknown", "the engine does not hold templates "+req.TemplatesKey, "")
		}
	}
	tpls := make(map[string]renderable, len(templates))
	for _, t := range templates {
		if t.Scope < 0 || t.Scope >= len(scopes) {
			return failure("internal", fmt.Sprintf("template %s names an unknown scope", t.Name), "")
		}
		tpls[t.Name] = renderable{tpl: t.Data, vals: scopes[t.Scope], basePath: req.Scopes[t.Scope].BasePath}
	}
	shortcutCheck.enabled, shortcutCheck.mismatch, shortcutCheck.taken = req.VerifyShortcuts, "", shortcutCounts{}
	if req.Lookup != nil {
		startLookups(true, req.Lookup.Answers)
	} else {
		startLookups(false, nil)
	}
	stored := newStoredParse(req.StoredParse, storedParseData)
	rendered, rerr := engine{strict: req.Strict, stored: stored}.render(tpls)
	if misses := lookupMisses(); misses != nil {
		// The host reads what is missing and renders again; nothing of this render counts.
		return response{Error: rerr, LookupMisses: misses}
	}
	if rerr != nil {
		// A template that failed to execute was parsed all the same.
		return stored.answer(response{Error: rerr})
	}
	heldTemplates.keep(req.TemplatesKey, templates)
	out := make(map[string]renderedFile, len(rendered))
	for name, content := range rendered {
		f := renderedFile{Content: content}
		if req.SplitManifests && isManifestFile(name, content) {
			f.Content = ""
			f.Documents, f.ParseError = splitAndParse(name, content)
		}
		out[name] = f
	}
	if shortcutCheck.mismatch != "" {
		return failure("internal", "engine shortcut differs from Helm: "+shortcutCheck.mismatch, "")
	}
	res := stored.answer(response{Files: out})
	if req.VerifyShortcuts {
		counts := shortcutCheck.taken
		res.Shortcuts = &counts
	}
	return res
}

// buildScopes turns each chart's inputs into the map a template sees as ".".
// Scopes are built children first so .Subcharts can point at them.
func buildScopes(req *request, fileData []byte) ([]map[string]interface{}, error) {
	release := map[string]interface{}{
		"Name":      req.Release.Name,
		"Namespace": req.Release.Namespace,
		"IsUpgrade": req.Release.IsUpgrade,
		"IsInstall": req.Release.IsInstall,
		"Revision":  req.Release.Revision,
		"Service":   req.Release.Service,
	}
	caps := &Capabilities{
		KubeVersion: KubeVersion{
			Version:    req.Capabilities.KubeVersion.Version,
			normalized: req.Capabilities.KubeVersion.Normalized,
			Major:      req.Capabilities.KubeVersion.Major,
			Minor:      req.Capabilities.KubeVersion.Minor,
		},
		APIVersions: VersionSet(req.Capabilities.APIVersions),
		HelmVersion: req.Capabilities.HelmVersion,
	}
	scopes := make([]map[string]interface{}, len(req.Scopes))
	for i, s := range req.Scopes {
		var md Metadata
		if err := json.Unmarshal(s.Chart, &md); err != nil {
			return nil, fmt.Errorf("invalid chart metadata: %v", err)
		}
		vals, err := decodeValues(s.Values)
		if err != nil {
			return nil, fmt.Errorf("invalid values: %v", err)
		}
		fs := make(files, len(s.Files))
		for name, at := range s.Files {
			offset, length := at[0], at[1]
			if offset < 0 || length < 0 || offset > len(fileData)-length {
				return nil, fmt.Errorf("invalid file %s: bytes %d+%d of %d", name, offset, length, len(fileData))
			}
			// Capped: nothing appended to one file can run into the next.
			fs[name] = fileData[offset : offset+length : offset+length]
		}
		scopes[i] = map[string]interface{}{
			"Chart":        chartObject{Metadata: md, IsRoot: s.IsRoot},
			"Files":        fs,
			"Release":      release,
			"Capabilities": caps,
			"Values":       vals,
			"Subcharts":    map[string]interface{}{},
		}
	}
	for i, s := range req.Scopes {
		subs := scopes[i]["Subcharts"].(map[string]interface{})
		for name, idx := range s.Subcharts {
			if idx < 0 || idx >= len(scopes) {
				return nil, fmt.Errorf("subchart %s names an unknown scope", name)
			}
			subs[name] = scopes[idx]
		}
	}
	return scopes, nil
}

// decodeValues reads values JSON where a number written without a fraction
// or exponent is an integer (int64) and any other number is a float64.
func decodeValues(text string) (map[string]interface{}, error) {
	if text == "" {
		return map[string]interface{}{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, ok := convertNumbers(v).(map[string]interface{})
	if !ok {
		return map[string]interface{}{}, nil
	}
	return m, nil
}

func convertNumbers(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			t[k] = convertNumbers(e)
		}
		return t
	case []interface{}:
		for i, e := range t {
			t[i] = convertNumbers(e)
		}
		return t
	case json.Number:
		s := string(t)
		if strings.ContainsAny(s, ".eE") {
			f, _ := t.Float64()
			return f
		}
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	default:
		return v
	}
}
