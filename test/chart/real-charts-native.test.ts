import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startEngineProcess } from '../../bin/launch.js';
import { useEngineChannel } from '../../lib/chart/engine/engine-host.ts';
import { nativeEngineName, ProcessEngine } from '../../lib/chart/engine/native-engine.ts';
import { sharedCorpusCases } from './corpus/cases.ts';
import { itRendersLikeHelm } from './corpus/expect-like-helm.ts';
import { REPO_ROOT } from './helpers.ts';

/**
 * real-charts-corpus.test.ts again, with the native engine the CLI runs where one ships
 * (native-engine.ts) instead of engine.wasm in this thread: both print what helm prints.
 */
describe('every case of the shared real-chart corpus renders through the native engine as helm 4.1.4 renders it', () => {
  const native = join(REPO_ROOT, 'dist', 'cli', nativeEngineName());
  beforeAll(() => useEngineChannel(new ProcessEngine(native, startEngineProcess(native, spawn))));
  afterAll(() => useEngineChannel(undefined));
  itRendersLikeHelm(sharedCorpusCases());
});
