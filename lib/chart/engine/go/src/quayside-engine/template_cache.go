package main

import "quayside-engine/internal/text/template"

// templateCacheSize bounds how many charts' parsed templates stay in memory.
// A Lambda container usually renders one or a few charts again and again.
const templateCacheSize = 4

// templateSource is one template file as it was parsed.
type templateSource struct {
	name string
	data string
}

// parsedSet is a chart's templates parsed into one set, in Helm's parse order.
// Executing a parsed template does not change it, so a set serves any number
// of renders; the functions bound to a render (include, tpl) are set again
// before each one.
type parsedSet struct {
	strict  bool
	sources []templateSource
	tmpl    *template.Template
}

// templateCache keeps the most recently used parsed sets, newest first.
// Helm parses every template on every render; reusing an identical parse
// gives the same result, since parsing depends only on the template texts,
// their order and the missing-key option. Lookups compare the full texts, so
// a changed chart can never reuse a stale parse. The engine renders one
// request at a time (JavaScript calls it synchronously), so no locking.
type templateCache struct {
	sets []*parsedSet
}

func (c *templateCache) lookup(strict bool, sources []templateSource) *parsedSet {
	for i, s := range c.sets {
		if s.strict != strict || !sameSources(s.sources, sources) {
			continue
		}
		copy(c.sets[1:i+1], c.sets[:i])
		c.sets[0] = s
		return s
	}
	return nil
}

func (c *templateCache) store(s *parsedSet) {
	if len(c.sets) < templateCacheSize {
		c.sets = append(c.sets, nil)
	}
	copy(c.sets[1:], c.sets[:len(c.sets)-1])
	c.sets[0] = s
}

func sameSources(a, b []templateSource) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// keptTemplates holds the template inputs of the most recent requests under
// the key the caller gave them, so that a caller rendering the same chart
// again can send the key instead of every template text (decoding the texts
// from JSON was a tenth of a warm render). The caller's key is a digest of
// names, texts and scopes; a key not held here is answered with the error
// kind "templates-unknown" and the caller sends the texts again.
type keptTemplates struct {
	keys   []string
	inputs [][]templateInput
}

func (k *keptTemplates) get(key string) []templateInput {
	for i, held := range k.keys {
		if held == key {
			return k.inputs[i]
		}
	}
	return nil
}

func (k *keptTemplates) keep(key string, inputs []templateInput) {
	if key == "" || k.get(key) != nil {
		return
	}
	if len(k.keys) < templateCacheSize {
		k.keys = append(k.keys, "")
		k.inputs = append(k.inputs, nil)
	}
	copy(k.keys[1:], k.keys[:len(k.keys)-1])
	copy(k.inputs[1:], k.inputs[:len(k.inputs)-1])
	k.keys[0], k.inputs[0] = key, inputs
}

var heldTemplates keptTemplates
