/**
 * Chart rendering speed: cold (a fresh process: WebAssembly compiled and the
 * Go runtime started inside the measured time) and warm (median of many
 * renders in one process) for the conformance `subchart` chart and a
 * generated 30-template chart. Targets: cold ≤ 300 ms, warm ≤ 10 ms median.
 *
 *   node --import tsx bench/chart-render.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SUBCHART = resolve(here, '..', '..', 'shared', 'conformance', 'helm-template', 'charts', 'subchart');
const WARM_RUNS = 100;
// V8 first runs the 10 MB module with its baseline compiler and optimizes hot
// functions as they get used; the warm figure is the steady state after that.
const WARM_UP_RUNS = 40;
const COLD_RUNS = 5;

const TEMPLATE = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "big.fullname" . }}-{{ "${i}" }}
  labels:
{{ include "big.labels" . | indent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Chart.Name }}-${i}
  template:
    metadata:
      annotations:
        checksum: {{ toYaml .Values.config | sha256sum }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env:
          {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper }}
              value: {{ $v | quote }}
          {{- end }}
          resources:
{{ toYaml .Values.resources | indent 12 }}
`;

function makeBigChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: big\nversion: 1.0.0\nappVersion: "2.1"\n');
  const env = Array.from({ length: 10 }, (_, i) => `  var${i}: value-${i}`).join('\n');
  writeFileSync(
    join(dir, 'values.yaml'),
    `replicas: 3\nimage:\n  repository: example/app\n  tag: ""\nconfig:\n  a: 1\n  b: [x, y, z]\nenv:\n${env}\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\n`,
  );
  writeFileSync(
    join(dir, 'templates', '_helpers.tpl'),
    '{{- define "big.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n' +
      '{{- define "big.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/instance: {{ .Release.Name }}\nhelm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n{{- end -}}\n',
  );
  for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'templates', `deploy-${i}.yaml`), TEMPLATE(i));
}

/** Returns [module import ms, cold render ms (chart load + WASM instantiation + first render), ...warm render ms]. */
async function measure(chartDir: string, warmUp: number, runs: number): Promise<number[]> {
  const start = performance.now();
  const { loadChart, renderChart } = await import('../lib/chart/index.ts');
  const imported = performance.now();
  const release = { name: 'bench', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };
  const chart = await loadChart({ kind: 'directory', path: chartDir });
  await renderChart({ chart, values: {}, release });
  const times = [imported - start, performance.now() - imported];
  for (let i = 0; i < warmUp; i++) await renderChart({ chart, values: { replicas: 2 }, release });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await renderChart({ chart, values: { replicas: 2 }, release });
    times.push(performance.now() - t0);
  }
  return times;
}

const [mode, chartDir] = process.argv.slice(2);
if (mode === '--child') {
  // One cold render in a fresh process. Module import is reported apart: under
  // tsx it includes compiling TypeScript, which a deployed bundle does not do.
  const [imported, cold] = await measure(chartDir!, 0, 0);
  process.stdout.write(`${imported} ${cold}\n`);
} else {
  const bigDir = mkdtempSync(join(tmpdir(), 'qs-chart-bench-'));
  try {
    makeBigChart(bigDir);
    for (const [label, dir] of [
      ['conformance subchart', SUBCHART],
      ['30-template chart', bigDir],
    ] as const) {
      const colds: number[] = [];
      const imports: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir];
        const [imported, cold] = execFileSync(process.execPath, args, { encoding: 'utf8' })
          .trim()
          .split(' ')
          .map(Number);
        imports.push(imported!);
        colds.push(cold!);
      }
      const warm = (await measure(dir, WARM_UP_RUNS, WARM_RUNS)).slice(2);
      const p90 = [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.9)]!;
      console.log(
        `${label}: cold render median ${median(colds).toFixed(1)} ms incl. WASM instantiation ` +
          `(+ ${median(imports).toFixed(0)} ms module import under tsx; ${COLD_RUNS} fresh processes; target ≤ 300); ` +
          `warm median ${median(warm).toFixed(2)} ms, p90 ${p90.toFixed(2)} ms (${WARM_RUNS} renders after ${WARM_UP_RUNS} warm-up; target ≤ 10)`,
      );
    }
  } finally {
    rmSync(bigDir, { recursive: true, force: true });
  }
}
