package main

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Helm reads a manifest's head with sigs.k8s.io/yaml: a yaml.v2 parse of the
// whole document, then a conversion of the tree to JSON and a JSON decode of
// that into the head struct. The conversion and decode cost about as much as
// the parse, yet for an ordinary manifest their result is plain: the head
// fields as written. readPlainHead gives that result directly from the
// yaml.v2 tree, and declines (ok false) whenever anything in the document
// could make the JSON steps behave otherwise (fail, convert a value, match a
// field name case-insensitively, replace invalid UTF-8); the caller then runs
// Helm's full path, so results and errors stay exactly Helm's.
func readPlainHead(doc interface{}) (head manifestDocument, ok bool) {
	top, isMap := doc.(map[interface{}]interface{})
	if !isMap || !plainTree(top) {
		return head, false
	}
	for k := range top {
		key := k.(string)
		if foldsToOtherThan(key, "apiVersion", "kind", "metadata") {
			return head, false
		}
	}
	if head.APIVersion, ok = plainString(top["apiVersion"]); !ok {
		return head, false
	}
	if head.Kind, ok = plainString(top["kind"]); !ok {
		return head, false
	}
	raw, present := top["metadata"]
	if !present || raw == nil {
		return head, true
	}
	meta, isMap := raw.(map[interface{}]interface{})
	if !isMap {
		return head, false
	}
	head.HasMetadata = true
	for k := range meta {
		if foldsToOtherThan(k.(string), "name", "annotations") {
			return head, false
		}
	}
	if head.Name, ok = plainString(meta["name"]); !ok {
		return head, false
	}
	switch annotations := meta["annotations"].(type) {
	case nil:
	case map[interface{}]interface{}:
		head.Annotations = make(map[string]string, len(annotations))
		for k, v := range annotations {
			s, isString := v.(string)
			if !isString || !utf8.ValidString(s) || !utf8.ValidString(k.(string)) {
				return head, false
			}
			head.Annotations[k.(string)] = s
		}
	default:
		return head, false
	}
	return head, true
}

// plainString is a head field's value: a string (valid UTF-8) or nothing.
func plainString(v interface{}) (string, bool) {
	switch s := v.(type) {
	case nil:
		return "", true
	case string:
		return s, utf8.ValidString(s)
	default:
		return "", false
	}
}

// foldsToOtherThan tells whether key is not one of names exactly but equals
// one of them ignoring case, which encoding/json would match.
func foldsToOtherThan(key string, names ...string) bool {
	for _, name := range names {
		if key == name {
			return false
		}
	}
	for _, name := range names {
		if strings.EqualFold(key, name) {
			return true
		}
	}
	return false
}

// plainTree tells whether the JSON steps take the tree as it is: every map
// key a string and no value JSON cannot hold (NaN, infinities) or that the
// conversion would not pass through unchanged.
func plainTree(v interface{}) bool {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		for k, e := range t {
			if _, isString := k.(string); !isString || !plainTree(e) {
				return false
			}
		}
		return true
	case []interface{}:
		for _, e := range t {
			if !plainTree(e) {
				return false
			}
		}
		return true
	case float64:
		return !math.IsNaN(t) && !math.IsInf(t, 0)
	case nil, string, bool, int, int64, uint64:
		return true
	default:
		return false
	}
}
