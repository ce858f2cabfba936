package main

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// randomValue builds values of the kinds templates hold, with the strings and
// numbers most likely to differ between the direct tree and Helm's path.
func randomValue(r *rand.Rand, depth int) interface{} {
	switch k := r.Intn(10); {
	case depth > 3 || k < 3:
		return randomScalar(r)
	case k < 6:
		n := r.Intn(5)
		out := make([]interface{}, n)
		for i := range out {
			out[i] = randomValue(r, depth+1)
		}
		return out
	default:
		n := r.Intn(6)
		out := make(map[string]interface{}, n)
		for i := 0; i < n; i++ {
			out[randomString(r)] = randomValue(r, depth+1)
		}
		return out
	}
}

var trickyStrings = []string{
	"", " ", "true", "True", "y", "n", "yes", "off", "null", "~", "<<", "-", "- x", "? x", ": x", "a: b", "a #b",
	"#c", "0", "-0", "0x1F", "0o17", "017", "1_000", "1e3", ".5", ".inf", "-.Inf", ".NaN", "2001-12-14",
	"2001-12-14t21:59:43.10-05:00", "12:30", "1:20:30", "@x", "`x", "%x", "!x", "&a", "*a", "|", ">", "'", "\"",
	"a\nb", "a\n\nb", " lead", "trail ", "tab\there", "\x00", "\x7f", "\u0085", "\u00a0", "\u2028", "\u2029",
	"\ufeff", "\ufffe", "\uffff", "\U0001F600", "é", "\xff", "a\r\nb", "{a: b}", "[x]", "=", "!!str",
	"very long string that goes on and on and on and on and on and on and on and on and on and on and on and on",
}

// ordinaryStrings are what values usually hold; most take the direct writer.
var ordinaryStrings = []string{"app", "500m", "256Mi", "nginx:1.25", "http://h:80/x", "a b c", "var0", "var10",
	"var9", "a1b", "a01", "a1", "A", "B", "z", "_x", "x_y", "example.com/app", "key=value", "a+b", "1.2.3", "v1",
	"0f9c8b7a", "2001", "2001-12", "1:20", "12:30:45", "e5", "E5", "0b101", "-x", "x-", "x:", "Yes", "NO", "Null",
	"a #b", "a# b", "a  b", strings.Repeat("word ", 15) + "end", strings.Repeat("w", 90), "x@y", "~x", "x~"}

func randomString(r *rand.Rand) string {
	switch r.Intn(4) {
	case 0:
		return trickyStrings[r.Intn(len(trickyStrings))]
	case 1, 2:
		return ordinaryStrings[r.Intn(len(ordinaryStrings))]
	}
	alphabet := []rune("ab -:#'\"\n\t\\/.{}[],&*!|>%@`0123456789eE+_~é\u0085\u2028\x7f\x00")
	n := r.Intn(12)
	out := make([]rune, n)
	for i := range out {
		out[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(out)
}

var trickyFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e6, 1e20, 1e21, 1e-6, 1e-7, 123456789012345678,
	9.2233720368547758e18, 1.8446744073709552e19, 3.4e38, 5e-324, math.MaxFloat64, math.NaN(), math.Inf(1), 2.5e-9}

func randomScalar(r *rand.Rand) interface{} {
	switch r.Intn(7) {
	case 0:
		return nil
	case 1:
		return r.Intn(2) == 0
	case 2:
		return int64(r.Uint64())
	case 3:
		return trickyFloats[r.Intn(len(trickyFloats))]
	case 4:
		return math.Float64frombits(r.Uint64())
	default:
		return randomString(r)
	}
}

// sameAsHelm tells whether got is an output Helm's toYaml gives for v.
func sameAsHelm(v interface{}, got []byte, gotErr error) bool {
	shortcutCheck.mismatch = ""
	verifyToYAML(v, got, gotErr)
	return shortcutCheck.mismatch == ""
}

func TestMarshalYAMLMatchesHelm(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	direct, written := 0, 0
	for i := 0; i < 200000; i++ {
		v := randomValue(r, 0)
		if got, gotErr := marshalYAML(v); !sameAsHelm(v, got, gotErr) {
			want, wantErr := yaml.Marshal(v)
			t.Fatalf("value %#v:\nHelm's path: %q %v\ndirect: %q %v", v, want, wantErr, got, gotErr)
		}
		if tree, ok := yamlTree(v, 0); ok {
			direct++
			if _, ok := emitYAML(tree); ok {
				written++
			}
		}
	}
	t.Logf("of 200000 values %d took the direct tree, %d of them the direct writer", direct, written)
}

func TestMarshalYAMLLimits(t *testing.T) {
	deep := interface{}("x")
	for i := 0; i < 10005; i++ {
		deep = []interface{}{deep}
	}
	for _, v := range []interface{}{
		map[string]interface{}{strings.Repeat("k", 1023): 1},
		map[string]interface{}{strings.Repeat("k", 1022): 1},
		map[string]interface{}{strings.Repeat("<", 200): 1},
		map[string]interface{}{strings.Repeat("\x01", 170): 1},
		deep,
	} {
		if got, gotErr := marshalYAML(v); !sameAsHelm(v, got, gotErr) {
			t.Fatalf("differs from Helm's path for %.80q", fmt.Sprint(v))
		}
	}
}

func FuzzMarshalYAMLString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, 1.5)
	}
	f.Fuzz(func(t *testing.T, s string, x float64) {
		v := map[string]interface{}{s: []interface{}{s, x}}
		if got, gotErr := marshalYAML(v); !sameAsHelm(v, got, gotErr) {
			want, wantErr := yaml.Marshal(v)
			t.Fatalf("value %#v:\nHelm's path: %q %v\ndirect: %q %v", v, want, wantErr, got, gotErr)
		}
	})
}
