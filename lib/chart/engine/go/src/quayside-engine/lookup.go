package main

import "errors"

// lookup reads the cluster through the host. Go cannot wait for the host's
// asynchronous reads in the middle of a render, so the host answers in
// rounds: a render is given every answer known so far; a call without an
// answer returns an empty map (as a lookup of nothing does) and is reported
// back as a miss; the host reads the misses and renders again, until a
// render misses nothing. Only the last render counts.

// lookupKey names one call: lookup apiVersion kind namespace name.
type lookupKey struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// lookupAnswer is the host's answer to one call: the object (or list) as
// JSON, "{}" when there is none, or the error Helm would report.
type lookupAnswer struct {
	lookupKey
	Object string `json:"object,omitempty"`
	Error  string `json:"error,omitempty"`
}

// lookupState belongs to the request being rendered.
var lookupState struct {
	enabled bool
	answers map[lookupKey]lookupAnswer
	misses  []lookupKey
}

func startLookups(enabled bool, answers []lookupAnswer) {
	lookupState.enabled = enabled
	lookupState.answers = make(map[lookupKey]lookupAnswer, len(answers))
	lookupState.misses = nil
	for _, a := range answers {
		lookupState.answers[a.lookupKey] = a
	}
}

func lookupFunc(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
	empty := map[string]interface{}{}
	if !lookupState.enabled {
		return empty, nil
	}
	key := lookupKey{APIVersion: apiVersion, Kind: kind, Namespace: namespace, Name: name}
	answer, ok := lookupState.answers[key]
	if !ok {
		for _, miss := range lookupState.misses {
			if miss == key {
				return empty, nil
			}
		}
		lookupState.misses = append(lookupState.misses, key)
		return empty, nil
	}
	if answer.Error != "" {
		return empty, errors.New(answer.Error)
	}
	// Objects from the API server decode as Kubernetes' own JSON decoding
	// does: whole numbers as int64, others as float64.
	object, err := decodeValues(answer.Object)
	if err != nil {
		return empty, err
	}
	return object, nil
}

// lookupMisses is what the host still has to read, or nil.
func lookupMisses() []lookupKey {
	return lookupState.misses
}
