package main

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	yamlv2 "gopkg.in/yaml.v2"
	"sigs.k8s.io/yaml"
)

// Helm's toYaml is sigs.k8s.io/yaml.Marshal: json.Marshal, then a yaml.v2
// parse of that JSON into a generic tree, then yaml.v2's Marshal of the tree.
// Inside WebAssembly the parse of the JSON text costs more than the other two
// steps together. For values made only of what templates usually hold (maps
// with string keys, lists, strings, booleans, numbers, null) yamlTree builds
// the tree the parse would build directly from the value; anything else
// (structs, other map types, strings the YAML reader would refuse or fold)
// makes it decline and toYaml takes Helm's full path, as do the two limits of
// yaml.v2's reader that the JSON text can reach: a key written longer than
// 1024 characters and nesting deeper than 10000 (both far beyond the bounds
// used here). Either way the tree is
// written the way yaml.v2 writes it: by yaml_emit.go when every scalar is a
// one-line plain scalar, by yaml.v2's encoder otherwise. Output bytes are the
// same either way.

// marshalYAML is sigs.k8s.io/yaml.Marshal, by the direct tree when it can.
func marshalYAML(v interface{}) ([]byte, error) {
	if tree, ok := yamlTree(v, 0); ok {
		data, written := emitYAML(tree)
		var err error
		if !written {
			data, err = yamlv2.Marshal(tree)
		}
		if shortcutCheck.enabled {
			verifyToYAML(v, data, err)
		}
		return data, err
	}
	return yaml.Marshal(v)
}

const (
	// maxDirectKeyLength keeps a key's JSON form (at most 6 characters per
	// byte, plus quotes) under yaml.v2's 1024-character simple key limit.
	maxDirectKeyLength = 128
	// maxDirectDepth keeps nesting far under yaml.v2's depth limit of 10000.
	maxDirectDepth = 1000
)

// yamlTree is the value yaml.v2 decodes from json.Marshal(v), when v holds
// only plain data.
func yamlTree(v interface{}, depth int) (interface{}, bool) {
	if depth > maxDirectDepth {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		return nil, true
	case string:
		return t, survivesYAMLReader(t)
	case bool:
		return t, true
	case int:
		return t, true
	case int64:
		return int(t), true
	case float64:
		return jsonFloatAsYAML(t)
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			var ok bool
			if out[i], ok = yamlTree(e, depth+1); !ok {
				return nil, false
			}
		}
		return out, true
	case map[string]interface{}:
		out := make(map[interface{}]interface{}, len(t))
		for k, e := range t {
			if k == "<<" || len(k) > maxDirectKeyLength || !survivesYAMLReader(k) {
				return nil, false
			}
			conv, ok := yamlTree(e, depth+1)
			if !ok {
				return nil, false
			}
			out[k] = conv
		}
		return out, true
	default:
		return nil, false
	}
}

// survivesYAMLReader tells whether s, written by json.Marshal as a quoted
// JSON string, reads back unchanged through yaml.v2: valid UTF-8 (json.Marshal
// would replace invalid bytes) and no character that json.Marshal leaves raw
// but the YAML reader refuses (DEL, C1 controls, U+FFFE, U+FFFF) or reads as a
// line break inside quotes (U+0085 NEL).
func survivesYAMLReader(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				return false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size - 1
	}
	return true
}

// jsonFloatAsYAML is what yaml.v2 resolves json.Marshal's text for f into:
// an int when that text has no fraction or exponent and fits, a uint64 when
// only that fits, otherwise the float64 the text denotes. NaN and infinities
// make json.Marshal fail, so they decline and the full path reports it.
func jsonFloatAsYAML(f float64) (interface{}, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	text := jsonFloatText(f)
	if !strings.ContainsAny(text, ".eE") {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return int(i), true
		}
		if u, err := strconv.ParseUint(text, 10, 64); err == nil {
			return u, true
		}
	}
	parsed, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, false
	}
	return parsed, true
}

// jsonFloatText formats f the way encoding/json does for a float64.
func jsonFloatText(f float64) string {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b)
}
