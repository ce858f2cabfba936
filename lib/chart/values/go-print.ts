/**
 * Values printed as Go's `%v` prints Helm's value types (map[string]interface{}, []interface{},
 * float64, int64, string, bool, nil), for the warnings helm itself prints with them.
 */
export function goValueString(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goFloatString(value);
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${key}:${goValueString((value as Record<string, unknown>)[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e21, two-digit exponents. */
function goFloatString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent >= -4 && exponent < 21) {
    const text = String(value);
    // JavaScript switches to exponent form below 1e-6; Go only below 1e-4, so such values are written out.
    return text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
  }
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
}
