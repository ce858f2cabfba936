import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COMPILATION_HINTS_SECTION,
  type GoInternals,
  IMAGE_FORMAT,
  IMAGE_SECTION,
  type ImageDescription,
  imageFileName,
  imageUnusable,
  readsCompilationHints,
  restoreEngine,
} from '../../lib/chart/engine/image.ts';
import { buildEngineImages, timezoneOffsetsOfYear } from '../../scripts/engine-image.ts';
import { REQUIRE_SHIM } from '../../scripts/require-shim.ts';
import { type CliRun, charts, repoRoot } from '../cli/cli-world.ts';
import { runQuayside } from './helpers.ts';

// The image for this machine's local time now (the build makes one per offset of the year).
const image = join(repoRoot, 'dist', 'cli', imageFileName(new Date().getTimezoneOffset()));
const scratch = mkdtempSync(join(tmpdir(), 'quayside-engine-image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The CLI as a user's shell runs it; `extra` adds to (or, as undefined, removes from) the environment. */
function quayside(args: readonly string[], extra: Record<string, string | undefined> = {}): Promise<CliRun> {
  // The image is the WebAssembly engine's: the CLI runs the native engine where one ships.
  return runQuayside(args, repoRoot, { QUAYSIDE_NO_SNAPSHOT: undefined, QUAYSIDE_ENGINE: 'wasm', ...extra });
}

const COLD = { QUAYSIDE_NO_ENGINE_IMAGE: '1' };

// The project's TypeScript lib has no DOM types: the little of the WebAssembly API used here.
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<object>;
      Module: { customSections(module: object, name: string): ArrayBuffer[] };
    };
  }
).WebAssembly;

/** The description an image carries in its custom section. */
async function descriptionOf(bytes: Uint8Array): Promise<ImageDescription> {
  const module = await wasm.compile(bytes);
  const [section] = wasm.Module.customSections(module, IMAGE_SECTION);
  return JSON.parse(Buffer.from(section!).toString('utf8')) as ImageDescription;
}

/**
 * A chart whose templates use what Go's start-up prepares: Sprig's functions, semver's expressions, time
 * in the local zone, TOML, YAML and JSON, crypto and the host's RSA keys, lookup, and a bad template.
 */
function probeChart(): string {
  const dir = join(scratch, 'probe');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 1.2.3\nappVersion: "4.5"\n');
  writeFileSync(
    join(dir, 'values.yaml'),
    'image:\n  repository: nginx\n  tag: "1.25"\nreplicas: 2\nports: [80, 443]\nlabels: {a: b, c: d}\n',
  );
  writeFileSync(
    join(dir, 'templates', 'probe.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-{{ .Chart.Name | trunc 20 }}',
      '  labels: {{- toYaml .Values.labels | nindent 4 }}',
      'data:',
      '  semver: {{ semverCompare ">=1.2.0" .Chart.Version | quote }}',
      '  epoch: {{ 0 | date "2006-01-02 15:04 -07:00" | quote }}',
      '  toml: {{ (fromToml "when = 1979-05-27T07:32:00").when | quote }}',
      '  json: {{ toJson .Values | quote }}',
      '  sha: {{ sha256sum "quayside" | quote }}',
      '  b64: {{ b64enc "quayside" | quote }}',
      '  uuid: {{ uuidv4 | len | quote }}',
      '  rand: {{ randAlphaNum 12 | len | quote }}',
      '  key: {{ genPrivateKey "rsa" | contains "RSA PRIVATE KEY" | quote }}',
      '  lookup: {{ lookup "v1" "ConfigMap" "default" "x" | len | quote }}',
      '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
      '  regex: {{ regexReplaceAll "[0-9]+" "a1b22c333" "#" | quote }}',
    ].join('\n'),
  );
  return dir;
}

describe("the chart engine's start-up image", () => {
  it('is built beside the CLI bundle, and the CLI starts its engine from it', async () => {
    expect(existsSync(image)).toBe(true);
    const description = await descriptionOf(readFileSync(image));
    expect(description.format).toBe(IMAGE_FORMAT);
    expect(Object.keys(description.functions).sort()).toEqual(['quaysideEngineRender', 'quaysideEngineYaml']);
    const local = await quayside(['version', '--verbose'], { TZ: undefined });
    expect(local.stdout).toContain(`chart engine: starts from its start-up image (${image}`);
    const optedOut = await quayside(['version', '--verbose'], COLD);
    expect(optedOut.stdout).toContain(
      'chart engine: starts cold, without its start-up image: QUAYSIDE_NO_ENGINE_IMAGE is set',
    );
  });

  it('marks the functions a render runs for compilation with the module, on the V8s that read the marks', async () => {
    const bytes = readFileSync(image);
    const module = await wasm.compile(bytes);
    const [hints] = wasm.Module.customSections(module, COMPILATION_HINTS_SECTION);
    const marks = new Uint8Array(hints!);
    // One byte per defined function after the count (LEB128): 0 leaves a function lazy, 0x06 is eager Liftoff.
    let at = 0;
    let defined = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = marks[at++]!;
      defined |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    const eager = marks.subarray(at).filter((mark) => mark === 0x06).length;
    expect(marks.length - at).toBe(defined);
    expect(marks.subarray(at).every((mark) => mark === 0 || mark === 0x06)).toBe(true);
    const description = await descriptionOf(bytes);
    expect(description.compilationHints).toBe(eager);
    // Hundreds of the engine's ~5,500 functions: those a values file, a Chart.yaml and a render run.
    expect(eager).toBeGreaterThan(300);
    expect(eager).toBeLessThan(defined / 2);
    expect(readsCompilationHints('11.3.244.8-node.38')).toBe(true);
    expect(readsCompilationHints('12.4.254.21-node.33')).toBe(true);
    expect(readsCompilationHints('13.6.233.17-node.37')).toBe(false);
    const verbose = await quayside(['version', '--verbose'], { TZ: undefined });
    expect(verbose.stdout).toContain(
      readsCompilationHints() ? `, ${eager} functions compiled ahead)` : `(${image})`,
    );
  });

  it('renders, reads values and fails exactly as an engine started cold does', async () => {
    const probe = probeChart();
    // Each command, and a text its output (or its error) must hold.
    const cases: Array<[string[], number, string]> = [
      [['template', 'blog', charts.ghost], 0, 'kind: StatefulSet'],
      [
        ['template', 'web', join(repoRoot, 'bench', 'charts', 'fleet'), '--set', 'apps=3'],
        0,
        'name: web-app-2',
      ],
      [
        ['template', 'probe', probe, '--set', 'replicas=3', '--show-only', 'templates/probe.yaml'],
        0,
        'regex: "a#b#c#"',
      ],
      // A template that does not parse, one that fails as it runs, and values Helm's YAML reader refuses.
      [
        ['template', 'broken', brokenChart('{{ .Values.x | nosuchfunc }}')],
        1,
        'function "nosuchfunc" not defined',
      ],
      [['template', 'broken', brokenChart('{{ required "x is required" .Values.x }}')], 1, 'x is required'],
      [['template', 'probe', probe, '-f', writeValues('bad.yaml', 'a: [1, 2\n')], 1, 'bad.yaml'],
    ];
    for (const [args, code, text] of cases) {
      const [fromImage, cold] = [await quayside(args), await quayside(args, COLD)];
      // uuidv4, randAlphaNum and genPrivateKey are random; the probe prints only their lengths.
      expect(fromImage, args.join(' ')).toEqual(cold);
      expect(fromImage.code, fromImage.stderr).toBe(code);
      expect(fromImage.stdout + fromImage.stderr).toContain(text);
    }
    const probed = await quayside(['template', 'probe', probe, '--show-only', 'templates/probe.yaml']);
    expect(probed.code, probed.stderr).toBe(0);
    expect(probed.stdout).toContain('semver: "true"');
    expect(probed.stdout).toContain('key: "true"');
    expect(probed.stdout).toContain('uuid: "36"');
  });

  it('is not used by a process in a time zone it was not made for: Go then reads that zone as a cold start does', async () => {
    // Two zones without daylight saving: one of them is not this machine's.
    const zone = new Date().getTimezoneOffset() === -330 ? 'Asia/Tokyo' : 'Asia/Kolkata';
    const expected = zone === 'Asia/Tokyo' ? '+09:00' : '+05:30';
    const verbose = await quayside(['version', '--verbose'], { TZ: zone });
    expect(verbose.stdout).toContain(
      `chart engine: starts cold, without its start-up image: there is none for this process's local time (${join(repoRoot, 'dist', 'cli', `engine-image-utc${expected.replace(':', '')}.wasm`)})`,
    );
    const probe = probeChart();
    const rendered = await quayside(['template', 'probe', probe, '--show-only', 'templates/probe.yaml'], {
      TZ: zone,
    });
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain(
      `epoch: "1970-01-01 ${zone === 'Asia/Tokyo' ? '09:00' : '05:30'} ${expected}"`,
    );
  });

  it('is made for each local time of the year, and Go starts in the time zone it was made for', async () => {
    const zoneOf = (zone: string) => {
      const own = process.env.TZ;
      process.env.TZ = zone;
      try {
        return timezoneOffsetsOfYear(new Date(Date.UTC(2026, 0, 15)));
      } finally {
        if (own === undefined) delete process.env.TZ;
        else process.env.TZ = own;
      }
    };
    expect(zoneOf('America/New_York')).toEqual([300, 240]);
    expect(zoneOf('Asia/Tokyo')).toEqual([-540]);
    expect(imageFileName(-540)).toBe('engine-image-utc+0900.wasm');
    expect(imageFileName(300)).toBe('engine-image-utc-0500.wasm');
    expect(imageFileName(-330)).toBe('engine-image-utc+0530.wasm');

    // An image made for Tokyo, beside a bundled render: a Tokyo process starts from it and renders
    // Tokyo's time; a process in UTC finds none for its time and starts Go cold, in UTC.
    const engine = join(repoRoot, 'lib', 'chart', 'engine');
    const [tokyo] = await buildEngineImages({
      wasmPath: join(engine, 'engine.wasm'),
      wasmExecPath: join(engine, 'wasm_exec.js'),
      timezoneOffsets: [-540],
    });
    expect(tokyo!.fileName).toBe('engine-image-utc+0900.wasm');
    expect((await descriptionOf(tokyo!.bytes)).timezoneOffset).toBe(-540);
    const dir = mkdtempSync(join(scratch, 'tokyo-'));
    writeFileSync(join(dir, tokyo!.fileName), tokyo!.bytes);
    for (const file of ['engine.wasm', 'wasm_exec.js']) copyFileSync(join(engine, file), join(dir, file));
    await build({
      entryPoints: [join(repoRoot, 'scripts', 'engine-image-warmup.ts')],
      outfile: join(dir, 'probe.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      banner: { js: REQUIRE_SHIM },
    });
    const chart = brokenChart('{{ 0 | date "2006-01-02 15:04 -07:00" | quote }}');
    const probe = (zone: string) =>
      new Promise<CliRun>((resolve) =>
        execFile(
          process.execPath,
          [join(dir, 'probe.mjs'), '--print', chart],
          { env: { ...process.env, TZ: zone } },
          (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
        ),
      );
    const inTokyo = await probe('Asia/Tokyo');
    expect(inTokyo.stdout, inTokyo.stderr).toContain('data: "1970-01-01 09:00 +09:00"');
    expect(inTokyo.stdout).toContain('engine started: image');
    const inUtc = await probe('UTC');
    expect(inUtc.stdout, inUtc.stderr).toContain('data: "1970-01-01 00:00 +00:00"');
    expect(inUtc.stdout).toContain('engine started: cold');
  });

  it('refuses an image of another format, from another zone, or from a clock ahead of this one', () => {
    const description: ImageDescription = {
      format: IMAGE_FORMAT,
      values: [],
      idPool: [],
      functions: {},
      timezoneOffset: new Date(0).getTimezoneOffset(),
      madeAt: 1_000,
    };
    const at = (ms: number) => new Date(ms);
    expect(imageUnusable(description, at(2_000))).toBeUndefined();
    expect(imageUnusable({ ...description, format: IMAGE_FORMAT + 1 }, at(2_000))).toMatch(/^format /);
    expect(
      imageUnusable({ ...description, timezoneOffset: description.timezoneOffset + 60 }, at(2_000)),
    ).toMatch(/^made for local time UTC[+-]\d\d:\d\d, this process's is UTC[+-]\d\d:\d\d$/);
    expect(imageUnusable(description, at(500))).toBe('made later than the clock now says');
  });

  it('names a value Go held that this process cannot make', () => {
    const go = { _makeFuncWrapper: () => () => undefined } as unknown as GoInternals;
    const instance = { exports: { mem: { buffer: new ArrayBuffer(8) } } };
    const description: ImageDescription = {
      format: IMAGE_FORMAT,
      values: [{ recipe: { global: ['quaysideNoSuchGlobal', 'inner'] }, refs: 1 }],
      idPool: [],
      functions: {},
      timezoneOffset: 0,
      madeAt: 0,
    };
    expect(() => restoreEngine(go, instance, description)).toThrow(
      'engine image: value 7, globalThis.quaysideNoSuchGlobal.inner, is missing',
    );
  });

  it('is made only of a Go js/wasm module', async () => {
    const notWasm = join(scratch, 'not.wasm');
    writeFileSync(notWasm, 'not a module');
    await expect(
      buildEngineImages({
        wasmPath: notWasm,
        wasmExecPath: join(repoRoot, 'lib', 'chart', 'engine', 'wasm_exec.js'),
      }),
    ).rejects.toThrow('engine.wasm is not a WebAssembly 1.0 module');
  });
});

let brokenCharts = 0;

/** A chart whose one template is `template`. */
function brokenChart(template: string): string {
  const dir = join(scratch, `broken-${++brokenCharts}`);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: broken\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'templates', 'broken.yaml'), `data: ${template}\n`);
  return dir;
}

function writeValues(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
