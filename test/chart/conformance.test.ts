import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, runQuayside } from './helpers.ts';

interface ConformanceCase {
  name: string;
  chart: string;
  args: string[];
  expected: string;
  error?: boolean;
}

const { cases } = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'cases.json'), 'utf8')) as {
  cases: ConformanceCase[];
};

// The message must mean the same as Helm's: every line of Helm's message is
// compared with the "Error: " prefix and surrounding space removed.
function meaning(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^Error: /, '').trim())
    .filter((line) => line !== '');
}

// The CLI runs the native engine where one ships for this machine, the WebAssembly one otherwise and
// with QUAYSIDE_ENGINE=wasm (as the Lambda functions always do): both must print Helm's bytes.
describe.concurrent.each([
  ['the engine the CLI picks (native where one ships)', undefined],
  ['the WebAssembly engine', 'wasm'],
])("quayside template matches helm template's golden output: %s", (_, engine) => {
  it('has conformance cases to run', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.error ? 'fails like helm' : 'prints the same bytes'}`, async () => {
      const result = await runQuayside(['template', c.chart, ...c.args], CONFORMANCE_DIR, {
        QUAYSIDE_ENGINE: engine,
      });
      const expected = readFileSync(join(CONFORMANCE_DIR, c.expected), 'utf8');
      if (c.error) {
        expect(result.code).not.toBe(0);
        expect(result.stdout).toBe('');
        expect(meaning(result.stderr)).toEqual(meaning(expected));
      } else {
        expect(result.stderr).toBe('');
        expect(result.stdout).toBe(expected);
        expect(result.code).toBe(0);
      }
    });
  }
});
