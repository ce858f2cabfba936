/**
 * The little of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/) the
 * engine image needs: a module as a list of sections, LEB128 numbers, custom sections.
 */

export const MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Section ids. */
export const SECTION = {
  custom: 0,
  import: 2,
  function: 3,
  memory: 5,
  global: 6,
  export: 7,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

export interface Section {
  readonly id: number;
  readonly body: Uint8Array;
}

export function readSections(module: Buffer): Section[] {
  if (!module.subarray(0, 8).equals(MAGIC)) throw new Error('engine.wasm is not a WebAssembly 1.0 module');
  const sections: Section[] = [];
  const reader = new Reader(module, 8);
  while (reader.at < module.length) {
    const id = module[reader.at++]!;
    const size = reader.uleb();
    sections.push({ id, body: module.subarray(reader.at, reader.at + size) });
    reader.at += size;
  }
  return sections;
}

export function writeModule(sections: readonly Section[]): Buffer {
  const parts: Uint8Array[] = [MAGIC];
  for (const section of sections) parts.push(bytes(section.id, ...uleb(section.body.length)), section.body);
  return Buffer.concat(parts);
}

export function only(sections: readonly Section[], id: number): Section {
  const found = sections.filter((section) => section.id === id);
  if (found.length !== 1) throw new Error(`engine.wasm has ${found.length} sections of id ${id}, not one`);
  return found[0]!;
}

export function customSection(name: string, content: Uint8Array): Section {
  const encoded = Buffer.from(name);
  return { id: SECTION.custom, body: Buffer.concat([bytes(...uleb(encoded.length)), encoded, content]) };
}

export function bytes(...values: number[]): Buffer {
  return Buffer.from(values);
}

export function uleb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

export function sleb(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export class Reader {
  constructor(
    private readonly data: Uint8Array,
    public at: number,
  ) {}

  uleb(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.data[this.at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  }

  sleb(): void {
    while (this.data[this.at++]! & 0x80) {}
  }
}
