/**
 * The API server's field errors quote the offending value (`data[k]: Invalid value: "…": …`, and
 * for an immutable Job template the whole template with its env values). Values come from charts and
 * their values, which may hold secrets, and these texts end up in revision descriptions, events and
 * chat. So a value is kept only where the field is one any reader of the cluster sees anyway and
 * needs to fix the problem (an object's name, an image, a port, a label); everywhere else it is
 * replaced, and the field and the reason stay.
 */
import type { StatusCause } from './errors.ts';

export const HIDDEN_VALUE = '(value hidden)';

/** Last path segments whose values are public: names, images, ports, types, labels, counts. */
const PUBLIC_FIELDS = new Set([
  'name',
  'namespace',
  'generateName',
  'labels',
  'image',
  'kind',
  'apiVersion',
  'containerPort',
  'hostPort',
  'port',
  'targetPort',
  'nodePort',
  'protocol',
  'replicas',
  'type',
  'imagePullPolicy',
  'restartPolicy',
  'serviceName',
  'storageClassName',
  'accessModes',
  'schedule',
  'concurrencyPolicy',
  'clusterIP',
  'clusterIPs',
  'dnsPolicy',
  'mountPath',
]);

/** Segments under which nothing is public, whatever the last segment is. */
const PRIVATE_SEGMENTS = new Set([
  'data',
  'stringData',
  'binaryData',
  'annotations',
  'env',
  'envFrom',
  'args',
  'command',
]);

const VALUE_KINDS = ['Invalid value', 'Unsupported value', 'Duplicate value', 'Not found'] as const;

function isPublic(field: string): boolean {
  const segments = field
    .replace(/\[[^\]]*\]/g, '')
    .split('.')
    .filter((s) => s.length > 0);
  if (segments.some((s) => PRIVATE_SEGMENTS.has(s))) return false;
  const last = segments.at(-1);
  return last !== undefined && PUBLIC_FIELDS.has(last);
}

/**
 * Length of the Go-formatted value at the start of `text`: a quoted string, a composite value
 * (`v1.LabelSelector{…}`, `[]string{…}`, `map[…]…{…}`), or a bare word up to the next `: `.
 * Undefined when the value cannot be delimited safely.
 */
function valueLength(text: string): number | undefined {
  if (text.startsWith('"')) {
    for (let i = 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return undefined;
  }
  const brace = text.indexOf('{');
  const colon = text.indexOf(': ');
  if (brace >= 0 && (colon < 0 || brace < colon)) {
    let depth = 0;
    let quoted = false;
    for (let i = brace; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i + 1;
    }
    return undefined;
  }
  return colon < 0 ? text.length : colon;
}

/**
 * One field error's body (`Invalid value: "x": reason`) with the value hidden unless `field` is
 * public. A body whose value cannot be delimited loses everything after its kind.
 */
export function hideFieldValue(field: string | undefined, body: string): string {
  const kind = VALUE_KINDS.find((k) => body.startsWith(`${k}: `));
  if (kind === undefined || (field !== undefined && isPublic(field))) return body;
  const rest = body.slice(kind.length + 2);
  const length = valueLength(rest);
  if (length === undefined) return `${kind}: ${HIDDEN_VALUE}`;
  return `${kind}: ${HIDDEN_VALUE}${rest.slice(length)}`;
}

/** The causes of a Status, each value hidden as hideFieldValue decides. */
export function hideCauseValues(causes: readonly StatusCause[]): StatusCause[] {
  return causes.map((cause) =>
    cause.message === undefined ? cause : { ...cause, message: hideFieldValue(cause.field, cause.message) },
  );
}

// `field: Invalid value: …` inside a Status message; a field path has no blanks except inside [].
const FIELD_ERROR = new RegExp(
  `([^\\s\\[,:]+(?:\\[[^\\]]*\\][^\\s\\[,:]*)*): (${VALUE_KINDS.join('|')}): `,
  'g',
);

/**
 * A whole Status message (`Secret "s" is invalid: [a: Invalid value: …, b: …]`) with every field
 * error's value hidden unless its field is public. Text that cannot be delimited is cut off.
 */
export function hideMessageValues(message: string): string {
  let out = '';
  let from = 0;
  for (const match of message.matchAll(FIELD_ERROR)) {
    const start = match.index;
    if (start < from) continue;
    const field = match[1] ?? '';
    const bodyStart = start + field.length + 2;
    const valueStart = start + match[0].length;
    const length = valueLength(message.slice(valueStart));
    out += message.slice(from, bodyStart);
    if (isPublic(field)) {
      out += message.slice(bodyStart, valueStart + (length ?? 0));
    } else {
      out += `${match[2]}: ${HIDDEN_VALUE}`;
      if (length === undefined) return out;
    }
    from = valueStart + (length ?? 0);
  }
  return out + message.slice(from);
}
