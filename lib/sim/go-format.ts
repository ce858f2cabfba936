/** Values printed the way Go's `%#v` prints them in kube-apiserver validation messages. */
import { getArray, getObject, isObject, type JsonValue } from './json.ts';

export function goString(value: string): string {
  return JSON.stringify(value);
}

export function goStringMap(value: JsonValue | undefined): string {
  if (!isObject(value)) return 'map[string]string(nil)';
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${goString(key)}:${goString(String(value[key]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

export function goStringSlice(value: JsonValue | undefined): string {
  if (!Array.isArray(value)) return '[]string(nil)';
  return `[]string{${value.map((item) => goString(String(item))).join(', ')}}`;
}

/** A metav1.LabelSelector as `%#v` prints it, e.g. in "spec.selector: Invalid value: …: field is immutable". */
export function goLabelSelector(selector: JsonValue | undefined): string {
  const expressions = getArray(selector, ['matchExpressions']);
  const printedExpressions =
    expressions.length === 0
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${expressions
          .map((e) => {
            const key = getObject(e, [])?.key;
            const operator = getObject(e, [])?.operator;
            const values = getObject(e, [])?.values;
            return `v1.LabelSelectorRequirement{Key:${goString(String(key ?? ''))}, Operator:${goString(String(operator ?? ''))}, Values:${goStringSlice(values)}}`;
          })
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(getObject(selector, ['matchLabels']))}, MatchExpressions:${printedExpressions}}`;
}

export function goScalar(value: JsonValue | undefined): string {
  if (typeof value === 'string') return goString(value);
  if (value === undefined || value === null) return '"null"';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
