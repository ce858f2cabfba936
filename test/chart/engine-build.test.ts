import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, withTempDir } from './helpers.ts';

const ENGINE_DIR = join(REPO_ROOT, 'lib', 'chart', 'engine');
const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
const goPresent = goVersion.status === 0;

describe('the committed template engine', () => {
  if (goPresent) {
    it('is what the Go sources build to, byte for byte: engine.wasm and the native engine for linux/x64', async () => {
      await withTempDir(async (dir) => {
        const out = join(dir, 'engine.wasm');
        const native = join(dir, 'engine-linux-x64');
        execFileSync('bash', [join(ENGINE_DIR, 'build.sh'), out, native], {
          env: { ...process.env, GOCACHE: join(dir, 'cache') },
        });
        expect(readFileSync(out).equals(readFileSync(join(ENGINE_DIR, 'engine.wasm')))).toBe(true);
        expect(readFileSync(native).equals(readFileSync(join(ENGINE_DIR, 'engine-linux-x64')))).toBe(true);
      });
    }, 300_000);

    it("passes its Go tests: the shortcuts against Helm's paths on generated inputs", () => {
      const run = spawnSync('bash', [join(ENGINE_DIR, 'gotest.sh'), '-count=1'], { encoding: 'utf8' });
      expect(run.status, run.stdout + run.stderr).toBe(0);
    }, 300_000);

    it("ships the installed Go's wasm_exec.js unchanged", () => {
      const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
      const installed = readFileSync(join(goroot, 'misc', 'wasm', 'wasm_exec.js'));
      expect(installed.equals(readFileSync(join(ENGINE_DIR, 'wasm_exec.js')))).toBe(true);
    });
  } else {
    it('was not rebuilt here: Go is not on PATH, so the reproducibility check did not run', () => {
      expect(goPresent).toBe(false);
    });
  }
});
