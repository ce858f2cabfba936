import { ValueFlagError } from '../errors.ts';
import { STRVALS_MESSAGES as M } from '../messages.ts';
import type { Values } from '../types.ts';
import { isFiniteJson, isTable } from './table.ts';

/** Largest list index a --set may address (Helm: 65536). */
const MAX_INDEX = 65536;
/** Deepest dotted name a --set may use (Helm: 30). */
const MAX_NESTED_NAME_LEVEL = 30;

/** Turns the raw text of a value into what the flag stores. */
export type ValueReader = (raw: string) => unknown;

class EndOfInput extends Error {}
class NotAList extends Error {}

/**
 * Reads a Helm "--set" line (`a.b=1,c[0]=x,d={p,q}`) into `dest`, with
 * Helm's strvals rules. `mode` picks how values are read: typed (--set: true,
 * false, null, integers as bigint), string (--set-string), json (--set-json),
 * or a custom reader (--set-file). Throws ValueFlagError.
 */
export function parseSetLine(
  line: string,
  dest: Values,
  mode: 'typed' | 'string' | 'json' | ValueReader,
): void {
  const reader: ValueReader | undefined =
    mode === 'typed'
      ? (raw) => typedValue(raw, false)
      : mode === 'string'
        ? (raw) => typedValue(raw, true)
        : mode === 'json'
          ? undefined
          : mode;
  const parser = new SetParser(line, reader);
  try {
    for (;;) parser.key(dest, 0);
  } catch (error) {
    if (error instanceof EndOfInput) return;
    if (error instanceof ValueFlagError) throw error;
    // An unforeseen error's text may quote the expression; it stays in `cause`, out of the message.
    throw new ValueFlagError(M.unparsable, { cause: error });
  }
}

/** Helm's typedVal: booleans, null and base-10 integers (not starting with 0) get types; the rest stays text. */
export function typedValue(raw: string, forceString: boolean): unknown {
  if (forceString) return raw;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0n;
  if (raw.length > 0 && raw[0] !== '0' && /^[+-]?\d+$/.test(raw)) {
    const n = BigInt(raw);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  return raw;
}

class SetParser {
  private readonly chars: string[];
  private pos = 0;

  constructor(
    text: string,
    private readonly reader: ValueReader | undefined,
  ) {
    this.chars = [...text];
  }

  private read(): string | undefined {
    return this.pos < this.chars.length ? this.chars[this.pos++] : undefined;
  }

  private unread(): void {
    this.pos--;
  }

  /** Reads until a stop character (backslash escapes the next one); returns text and the stop char. */
  private until(stop: string): { text: string; last: string | undefined } {
    let text = '';
    for (;;) {
      const c = this.read();
      if (c === undefined) return { text, last: undefined };
      if (stop.includes(c)) return { text, last: c };
      if (c === '\\') {
        const next = this.read();
        if (next === undefined) return { text, last: undefined };
        text += next;
      } else text += c;
    }
  }

  key(data: Values, level: number): void {
    const start = this.pos;
    const { text: k, last } = this.until('=[,.');
    if (last === undefined) {
      if (k.length === 0) throw new EndOfInput();
      throw new ValueFlagError(M.noValue(start + 1, this.pos));
    }
    if (last === '[') {
      const index = this.index(k);
      const existing = data[k];
      if (existing !== undefined && !Array.isArray(existing)) throw new ValueFlagError(M.notAList(k));
      const before: unknown[] = existing ? [...existing] : [];
      let list: unknown[];
      try {
        list = this.listItem(before, index, level, `${k}[${index}]`);
      } catch (error) {
        // "a[0]" with nothing after it still leaves the (unchanged) list, as in Helm.
        if (error instanceof EndOfInput) setKey(data, k, before);
        throw error;
      }
      setKey(data, k, list);
      return;
    }
    if (last === '=') {
      if (!this.reader) {
        setKey(data, k, this.jsonValue(k));
        return;
      }
      try {
        setKey(data, k, this.valueList(k));
        return;
      } catch (error) {
        if (error instanceof EndOfInput) {
          setKey(data, k, '');
          throw error;
        }
        if (!(error instanceof NotAList)) throw error;
      }
      setKey(data, k, this.reader(this.until(',').text));
      return;
    }
    if (last === ',') {
      setKey(data, k, '');
      throw new ValueFlagError(M.noValue(start + 1, this.pos - 1));
    }
    // last === '.'
    if (level + 1 > MAX_NESTED_NAME_LEVEL) throw new ValueFlagError(M.tooDeep(MAX_NESTED_NAME_LEVEL));
    const existing = data[k];
    if (existing !== undefined && !isTable(existing)) throw new ValueFlagError(M.notAMap(k));
    const inner: Values = existing ? (existing as Values) : {};
    let end: unknown;
    try {
      this.key(inner, level + 1);
    } catch (error) {
      end = error;
    }
    if (end === undefined && Object.keys(inner).length === 0) throw new ValueFlagError(M.emptyMap(k));
    if (Object.keys(inner).length > 0) setKey(data, k, inner);
    if (end !== undefined) throw end;
  }

  /** The index after `key[`; `key` is named in errors, the text between the brackets never. */
  private index(key: string): number {
    const { text, last } = this.until(']');
    if (last === undefined) throw new ValueFlagError(M.badIndex(key));
    if (!/^[+-]?\d+$/.test(text)) throw new ValueFlagError(M.badIndex(key));
    const n = Number(text);
    if (n < 0) throw new ValueFlagError(M.negativeIndex(key, n));
    if (n > MAX_INDEX) throw new ValueFlagError(M.indexTooLarge(key, n, MAX_INDEX));
    return n;
  }

  /** `path` (e.g. `grid[0][1]`) names this item in errors. */
  private listItem(list: unknown[], i: number, level: number, path: string): unknown[] {
    const start = this.pos;
    const { text, last } = this.until('[.=');
    if (text.length > 0) throw new ValueFlagError(M.dataAfterIndex(start + 1, start + [...text].length));
    if (last === undefined) throw new EndOfInput();
    if (last === '=') {
      if (!this.reader) return setIndex(list, i, this.jsonValue(path));
      try {
        return setIndex(list, i, this.valueList(path));
      } catch (error) {
        if (error instanceof EndOfInput) return setIndex(list, i, '');
        if (!(error instanceof NotAList)) throw error;
      }
      return setIndex(list, i, this.reader(this.until(',').text));
    }
    if (last === '[') {
      const next = this.index(path);
      const existing = list[i];
      if (existing !== undefined && existing !== null && !Array.isArray(existing)) {
        throw new ValueFlagError(M.notAList(path));
      }
      return setIndex(
        list,
        i,
        this.listItem(existing ? [...(existing as unknown[])] : [], next, level, `${path}[${next}]`),
      );
    }
    // last === '.'
    const existing = list[i];
    const inner: Values = isTable(existing) ? existing : {};
    this.key(inner, level);
    return setIndex(list, i, inner);
  }

  private valueList(key: string): unknown[] {
    const first = this.read();
    if (first === undefined) throw new EndOfInput();
    if (first !== '{') {
      this.unread();
      throw new NotAList();
    }
    const list: unknown[] = [];
    for (;;) {
      const { text, last } = this.until(',}');
      if (last === undefined) throw new ValueFlagError(M.listUnterminated(key));
      list.push(this.reader!(text));
      if (last === '}') {
        const after = this.read();
        if (after !== undefined && after !== ',') this.unread();
        return list;
      }
    }
  }

  /** --set-json: one JSON value, then optional blanks and a comma. An empty value is null. */
  private jsonValue(key: string): unknown {
    if (this.skipBlanksAndComma()) return null;
    const rest = this.chars.slice(this.pos).join('');
    const length = jsonPrefixLength(rest);
    let value: unknown;
    try {
      value = JSON.parse(rest.slice(0, length));
    } catch (error) {
      // JSON.parse quotes the text it choked on; only the position is kept.
      const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
      throw new ValueFlagError(M.badJson(key, at === undefined ? undefined : Number(at) + 1));
    }
    // JSON numbers beyond float64 (1e400) are Infinity here; Helm's Go JSON refuses them.
    if (!isFiniteJson(value)) throw new ValueFlagError(M.badJson(key, undefined));
    this.pos += [...rest.slice(0, length)].length;
    this.skipBlanksAndComma();
    return value;
  }

  /** Consumes blanks up to a comma or the end (true: the value is empty). */
  private skipBlanksAndComma(): boolean {
    for (;;) {
      const c = this.read();
      if (c === undefined || c === ',') return true;
      if (!/\s/u.test(c)) {
        this.unread();
        return false;
      }
    }
  }
}

function setKey(data: Values, key: string, value: unknown): void {
  if (key.length === 0) return;
  data[key] = value;
}

function setIndex(list: unknown[], index: number, value: unknown): unknown[] {
  while (list.length <= index) list.push(null);
  list[index] = value;
  return list;
}

/** Length of the first JSON value in `text` (strings and nesting respected). */
function jsonPrefixLength(text: string): number {
  const first = text[0];
  if (first === '{' || first === '[') {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  if (first === '"') {
    for (let i = 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  const m = /^[^,\s]*/.exec(text);
  return m ? m[0].length : text.length;
}
