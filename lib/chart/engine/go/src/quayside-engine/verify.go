package main

import (
	"bytes"
	"fmt"
	"reflect"

	"sigs.k8s.io/yaml"
)

// The engine takes two shortcuts past Helm's own code paths: toYaml builds
// yaml.v2's tree directly (to_yaml.go) and manifest heads are read without
// yaml.v2 for plainly written documents (fast_head.go). A request with
// verifyShortcuts set also runs Helm's path beside every shortcut taken and
// fails the render on the first difference. The test suite renders every
// chart this way.

// shortcutCheck is the verification state of the request being rendered.
var shortcutCheck struct {
	enabled  bool
	mismatch string
	taken    shortcutCounts
}

// shortcutCounts tells a verifying caller how often each shortcut was taken,
// so a test can tell that verification compared something.
type shortcutCounts struct {
	ToYAML int `json:"toYaml"`
	Heads  int `json:"heads"`
}

func recordMismatch(format string, args ...interface{}) {
	if shortcutCheck.mismatch == "" {
		shortcutCheck.mismatch = fmt.Sprintf(format, args...)
	}
}

// verifyToYAML compares a direct toYaml result with Helm's path. For some key
// sets (digits mixed with other characters) yaml.v2's key order is not a
// strict weak order, so Helm's own output depends on map iteration order;
// any output Helm gives counts.
func verifyToYAML(v interface{}, got []byte, gotErr error) {
	shortcutCheck.taken.ToYAML++
	for i := 0; i < 100; i++ {
		want, wantErr := yaml.Marshal(v)
		if (wantErr == nil) != (gotErr == nil) {
			recordMismatch("toYaml shortcut: error %v, Helm's path: error %v", gotErr, wantErr)
			return
		}
		if bytes.Equal(want, got) {
			return
		}
	}
	want, _ := yaml.Marshal(v)
	recordMismatch("toYaml shortcut gave %q, Helm's path %q", got, want)
}

// verifyHead compares a head read by a shortcut with Helm's reading.
func verifyHead(d string, got manifestDocument) {
	shortcutCheck.taken.Heads++
	want, err := helmHead(d)
	if err != nil {
		recordMismatch("manifest head shortcut accepted a document Helm refuses (%v):\n%s", err, d)
		return
	}
	if !sameHead(got, want) {
		recordMismatch("manifest head shortcut read %+v, Helm %+v, from:\n%s", got, want, d)
	}
}

func sameHead(a, b manifestDocument) bool {
	if len(a.Annotations) == 0 && len(b.Annotations) == 0 {
		a.Annotations, b.Annotations = nil, nil
	}
	a.Content, b.Content = "", ""
	return reflect.DeepEqual(a, b)
}
