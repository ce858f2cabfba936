/**
 * Rendered manifests as templates write them, read without a general YAML parser. js-yaml reads the
 * bench chart's 51 objects (16 KB) in 11–19 ms in a fresh process, where its character-by-character
 * scanner runs in V8's interpreter; a command reads a manifest once, so it never gets faster. This
 * reader takes whole lines at a time: the same manifest in ~2.5 ms, kube-prometheus-stack's (665 KB)
 * in ~20 ms instead of ~75, argo-cd's (1.9 MB) in ~22 instead of ~130.
 *
 * It reads the block style charts produce: block mappings and sequences (a sequence may sit at its
 * key's indentation), plain, single- and double-quoted one-line scalars, literal block scalars (`|`,
 * `|-`), `{}`, `[]` and one-line sequences of quoted scalars and plain words (`[""]`, `[get, list]`),
 * plain or quoted keys, comments, and documents separated by `---` lines. It declines a document
 * with anything else or anything it is unsure of: anchors, aliases, tags, other flow collections,
 * folded or kept block scalars, multi-line plain or quoted scalars, escapes, tabs, carriage returns,
 * control characters and Unicode spaces, duplicate keys, and every plain scalar js-yaml could read as
 * anything but a string, a decimal integer, a boolean or null (floats, octal and hexadecimal,
 * timestamps, `-0`). The caller reads that document with js-yaml. A document it reads is the one
 * js-yaml's `loadAll` gives: test/kube/plain-yaml.test.ts holds it to that on every real chart's
 * render and every values file and rendered manifest of the conformance charts, and on thousands of
 * random one-place changes of the renders.
 */

/** What a reading function returns for a text it does not read. */
const DECLINE = Symbol('decline');
type Read = unknown | typeof DECLINE;

/**
 * Characters outside this set decline the document they are in. Beyond printable ASCII: non-ASCII characters other
 * than C1 controls, Unicode spaces and line separators (String.prototype.trim and YAML disagree on
 * them), the byte order mark, lone surrogates and non-characters. Characters beyond the BMP decline
 * too (surrogate pairs); manifests rarely hold them.
 */
const UNSAFE =
  /[^\n\x20-\x7e\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/** A key read as itself: a word that js-yaml's core schema reads as the same string. */
const PLAIN_KEY = /^\.?[A-Za-z_][A-Za-z0-9_./-]*$/;

/** Plain words js-yaml reads as something other than a string, or that YAML 1.1 did; declined as keys. */
const SPECIAL_WORD =
  /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|__proto__)$/;

/** A decimal integer that a double holds exactly, without a leading zero; `-0` is left to js-yaml. */
const INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/;

/** A plain scalar in a flow sequence read here: letters, digits and `_./-` only. */
const FLOW_WORD = /^[A-Za-z0-9_./-]+$/;

/** Letters and digits with a letter that no number has (`100m`, `128Mi`, a hex digest); not `0x…`, `0o…`, `0b…`. */
const ALPHANUMERIC_WORD = /^(?!0[xXoObB])[0-9A-Za-z]*[A-DF-Za-df-z][0-9A-Za-z]*$/;

/**
 * The documents of `text` as js-yaml's loadAll reads them. Each document this reader declines is
 * read by `readDeclined` (js-yaml's `load`, given that document's lines) if given; without it, one
 * declined document declines the whole text. Undefined when the text cannot be split into documents
 * here (`--- x` or `...` lines, directives, no final line break): js-yaml must read it whole.
 */
export function readPlainYaml(
  text: string,
  readDeclined?: (document: string) => unknown,
): unknown[] | undefined {
  if (text.length > 0 && text.charCodeAt(text.length - 1) !== 0x0a) return undefined;
  // Characters it declines are rare: only then is each document checked on its own.
  const unsafe = UNSAFE.test(text);
  if (unsafe && readDeclined === undefined) return undefined;
  const lines = text.split('\n');
  lines.pop();
  const documents: unknown[] = [];
  let start = 0;
  // Before the first `---`, only a document with content counts; after each `---`, every document.
  let explicit = false;
  for (let i = 0; i <= lines.length; i++) {
    // A document ends at a `---` line, or at the end of the text.
    const line = lines[i];
    if (line !== undefined && line !== '---') {
      // `--- x`, `...` and directives are left to js-yaml.
      if (line.startsWith('---') || line.startsWith('...') || line.charCodeAt(0) === 0x25) return undefined;
      continue;
    }
    const documentText = () => `${lines.slice(start, i).join('\n')}\n`;
    let value = unsafe && UNSAFE.test(documentText()) ? DECLINE : readDocument(lines, start, i);
    if (value === DECLINE) {
      if (readDeclined === undefined) return undefined;
      value = readDeclined(documentText());
    }
    if (value !== undefined || explicit) documents.push(value ?? null);
    explicit = true;
    start = i + 1;
  }
  return documents;
}

/** The document in lines[start, end): undefined when it has no content, DECLINE when unsure. */
function readDocument(lines: readonly string[], start: number, end: number): Read {
  const reader = new BlockReader(lines, start, end);
  const first = reader.nextContent();
  if (first === undefined) return undefined;
  if (indentOf(first) !== 0) return DECLINE;
  const value = reader.block(0);
  if (value === DECLINE || reader.nextContent() !== undefined) return DECLINE;
  return value;
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 0x20) n++;
  return n;
}

/** Whether line[at] begins a sequence entry: `-` followed by a space or the end of the line. */
function isEntry(line: string, at: number): boolean {
  return line.charCodeAt(at) === 0x2d && (line.length === at + 1 || line.charCodeAt(at + 1) === 0x20);
}

class BlockReader {
  private i: number;

  constructor(
    private readonly lines: readonly string[],
    start: number,
    private readonly end: number,
  ) {
    this.i = start;
  }

  /** The next line that is neither blank nor a comment, left unread; undefined at the end. */
  nextContent(): string | undefined {
    for (; this.i < this.end; this.i++) {
      const line = this.lines[this.i]!;
      const at = indentOf(line);
      if (at === line.length || line.charCodeAt(at) === 0x23) continue;
      return line;
    }
    return undefined;
  }

  /** The block collection whose first line is the next content line, indented at least `min`; null if none. */
  block(min: number): Read {
    const line = this.nextContent();
    if (line === undefined) return null;
    const indent = indentOf(line);
    if (indent < min) return null;
    if (isEntry(line, indent)) return this.sequence(indent);
    // An empty flow collection on a line of its own (`resources:` then `  {}`).
    const rest = line.slice(indent).trimEnd();
    if (rest === '{}' || rest === '[]') {
      this.i++;
      return rest === '{}' ? {} : [];
    }
    return this.mapping(indent, indent);
  }

  /**
   * A block mapping whose keys stand at `indent`. Its first key may start later on its line than the
   * line's indentation (`- key: value`): `from` is where.
   */
  private mapping(indent: number, from: number): Read {
    const object: Record<string, unknown> = {};
    let at = from;
    for (;;) {
      const line = this.nextContent();
      if (line === undefined) break;
      if (at === -1) {
        const lineIndent = indentOf(line);
        if (lineIndent < indent) break;
        if (lineIndent > indent) return DECLINE;
        at = indent;
      }
      const quote = line.charCodeAt(at);
      let key: string;
      let colon: number;
      if (quote === 0x22 || quote === 0x27) {
        // A quoted key, without escapes or quotes inside: the text between the quotes, as it is.
        const close = line.indexOf(quote === 0x22 ? '"' : "'", at + 1);
        if (close === -1) return DECLINE;
        key = line.slice(at + 1, close);
        if (key.includes('\\') || key === '__proto__') return DECLINE;
        colon = close + 1;
        if (line.charCodeAt(colon) !== 0x3a) return DECLINE;
      } else {
        colon = line.indexOf(':', at);
        if (colon === -1) return DECLINE;
        key = line.slice(at, colon);
        if (!PLAIN_KEY.test(key) || SPECIAL_WORD.test(key)) return DECLINE;
      }
      if (colon + 1 < line.length && line.charCodeAt(colon + 1) !== 0x20) return DECLINE;
      if (Object.hasOwn(object, key)) return DECLINE;
      this.i++;
      const value = this.value(line.slice(colon + 1), indent, true);
      if (value === DECLINE) return DECLINE;
      object[key] = value;
      at = -1;
    }
    return object;
  }

  /** A block sequence whose entries' dashes stand at `indent`. */
  private sequence(indent: number): Read {
    const array: unknown[] = [];
    for (;;) {
      const line = this.nextContent();
      if (line === undefined) break;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) break;
      if (lineIndent > indent) return DECLINE;
      if (!isEntry(line, indent)) break;
      const content = indentOf(line.slice(indent + 1)) + indent + 1;
      const rest = line.slice(content);
      let value: Read;
      if (rest !== '' && isInlineKey(rest)) {
        value = this.mapping(content, content);
      } else {
        this.i++;
        value = this.value(line.slice(indent + 1), indent, false);
      }
      if (value === DECLINE) return DECLINE;
      array.push(value);
    }
    return array;
  }

  /**
   * The value after a key's colon or an entry's dash (`text`, with its leading spaces) of a collection
   * at `indent`. An empty one is the block on the lines below, or null; under a key, that block may
   * be a sequence at the key's own indentation.
   */
  private value(text: string, indent: number, underKey: boolean): Read {
    const rest = text.trim();
    if (rest === '' || rest.charCodeAt(0) === 0x23) {
      const next = this.nextContent();
      if (underKey && next !== undefined && indentOf(next) === indent && isEntry(next, indent))
        return this.sequence(indent);
      return this.block(indent + 1);
    }
    if (text.charCodeAt(0) !== 0x20) return DECLINE;
    if (rest === '|' || rest === '|-') return this.literal(indent, rest === '|-');
    return this.scalar(rest);
  }

  /**
   * A literal block scalar of a collection at `indent`: the lines indented deeper, less the first
   * one's indentation; one line break kept at its end (`|`) or none (`|-`).
   */
  private literal(indent: number, strip: boolean): Read {
    const out: string[] = [];
    let contentIndent = -1;
    for (; this.i < this.end; this.i++) {
      const line = this.lines[this.i]!;
      const lineIndent = indentOf(line);
      if (lineIndent === line.length) {
        // A blank line: empty content, unless it holds spaces beyond the block's indentation.
        if (contentIndent === -1 || lineIndent > contentIndent) return DECLINE;
        out.push('');
        continue;
      }
      if (lineIndent <= indent) break;
      if (contentIndent === -1) contentIndent = lineIndent;
      else if (lineIndent < contentIndent) return DECLINE;
      out.push(line.slice(contentIndent));
    }
    if (contentIndent === -1) return DECLINE;
    while (out[out.length - 1] === '') out.pop();
    return strip ? out.join('\n') : `${out.join('\n')}\n`;
  }

  /** A one-line scalar, trimmed; DECLINE for any form or value left to js-yaml. */
  private scalar(text: string): Read {
    const first = text.charCodeAt(0);
    if (first === 0x22 || first === 0x27) return quoted(text, first);
    if (text === '{}') return {};
    if (first === 0x5b) return flowSequence(text);
    // A plain scalar ends at a comment.
    const hash = text.indexOf(' #');
    const plain = hash === -1 ? text : text.slice(0, hash).trimEnd();
    if (plain.includes(': ') || plain.charCodeAt(plain.length - 1) === 0x3a) return DECLINE;
    return plainScalar(plain);
  }
}

/**
 * A one-line flow sequence of quoted scalars and plain words (`[""]`, `["v1", "v1beta1"]`, `[get,
 * list]`), a comment after it; DECLINE for anything else inside (nested collections, escapes, empty
 * entries, plain scalars with other than letters, digits and `_./-`).
 */
function flowSequence(text: string): Read {
  const close = text.lastIndexOf(']');
  if (close === -1) return DECLINE;
  const after = text.slice(close + 1);
  if (after !== '' && !after.startsWith(' #')) return DECLINE;
  const inner = text.slice(1, close).trim();
  if (inner === '') return [];
  if (inner.includes('#')) return DECLINE;
  const items: unknown[] = [];
  for (const part of inner.split(',')) {
    const item = part.trim();
    const first = item.charCodeAt(0);
    let value: Read;
    if (first === 0x22 || first === 0x27) {
      value = quoted(item, first);
      if (typeof value === 'string' && value.includes(first === 0x22 ? '"' : "'")) return DECLINE;
    } else value = FLOW_WORD.test(item) ? plainScalar(item) : DECLINE;
    if (value === DECLINE) return DECLINE;
    items.push(value);
  }
  return items;
}

/** Whether an entry's content (`key: value` or `key:`) starts a mapping. */
function isInlineKey(rest: string): boolean {
  const first = rest.charCodeAt(0);
  if (first === 0x22 || first === 0x27) return false;
  const colon = rest.indexOf(':');
  return colon !== -1 && (colon + 1 === rest.length || rest.charCodeAt(colon + 1) === 0x20);
}

/** A quoted scalar that ends its line (a comment may follow), without escapes. */
function quoted(text: string, quote: number): Read {
  let close = text.indexOf(quote === 0x22 ? '"' : "'", 1);
  if (quote === 0x27) {
    // '' is a quote inside single quotes.
    while (close !== -1 && text.charCodeAt(close + 1) === 0x27) close = text.indexOf("'", close + 2);
  }
  if (close === -1) return DECLINE;
  const after = text.slice(close + 1);
  if (after !== '' && !after.startsWith(' #')) return DECLINE;
  const inner = text.slice(1, close);
  if (quote === 0x22) return inner.includes('\\') ? DECLINE : inner;
  return inner.replaceAll("''", "'");
}

/** A plain scalar as js-yaml's core schema reads it, when it is sure to be a string, integer, boolean or null. */
function plainScalar(text: string): Read {
  switch (text) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const first = text.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    if (INTEGER.test(text)) return Number(text);
    return digitString(text) ? text : DECLINE;
  }
  if (first === 0x2d) {
    if (INTEGER.test(text)) return Number(text);
    // A flag (`--port=80`, `-v`) is a string; a number or `-.inf` is not read here.
    const second = text.charCodeAt(1);
    return (second === 0x2d && text.charCodeAt(2) !== 0x2d) || isLetter(second) ? text : DECLINE;
  }
  // Letters, `_`, `/`, `$`, `(` and non-ASCII characters start a string, and so does `:` not followed by
  // a space (`:8080`); other indicators and `.` (floats, `.inf`) do not, but for a relative path.
  if (isLetter(first) || first === 0x5f || first === 0x2f || first === 0x24 || first === 0x28 || first > 0x7f)
    return text;
  if (first === 0x3a || text.startsWith('./') || text.startsWith('../')) return text;
  return DECLINE;
}

/**
 * Whether a plain scalar that starts with a digit, and is no integer, is sure to be a string for
 * js-yaml: no float or other integer form can be, nor a timestamp (a date has no space or dot, a time
 * has a colon), if it holds a space, two dots (`1.29.1`, `10.0.0.1`), or is a word with a letter no
 * number has.
 */
function digitString(text: string): boolean {
  if (text.includes(':')) return false;
  if (text.includes(' ')) return true;
  const dot = text.indexOf('.');
  if (dot !== -1 && dot !== text.lastIndexOf('.')) return true;
  return ALPHANUMERIC_WORD.test(text);
}

function isLetter(code: number): boolean {
  return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
}
