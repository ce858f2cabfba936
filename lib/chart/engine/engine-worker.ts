/**
 * The engine's worker thread (see engine-host.ts): starts the engine at once, then answers calls in
 * order with the in-thread engine's results, or its errors in a form the host throws again.
 */
import { parentPort } from 'node:worker_threads';
import type { EngineCall, EngineReply } from './engine-host.ts';
import { sendableError } from './engine-host.ts';
import { parseStoreDir } from './parse-store.ts';
import { readYamlLikeHelm, runEngine, useParseStore, warmEngine } from './wasm-engine.ts';

/** A values file with the shapes charts' values have: maps, lists, strings, numbers, booleans. */
const WARM_UP_VALUES =
  'image:\n  repository: nginx\n  tag: "1.25"\nreplicas: 2\nports: [80, 443]\nenabled: true\n';

const port = parentPort;
if (port === null) throw new Error('engine-worker runs as a worker thread (see engine-host.ts)');

// The CLI's renders keep their templates' parses on disk for the next process (parse-store.ts).
useParseStore(parseStoreDir());

let called = false;
// A failure here is met again, and answered, by the first call.
warmEngine()
  .then(() => {
    // Until the first call comes, Helm's YAML reader runs once on a small document: its first use in a
    // process costs ~12 ms of one-time set-up that the chart's own values file would otherwise pay.
    if (!called) return readYamlLikeHelm('values', WARM_UP_VALUES);
  })
  .catch(() => {});

port.on('message', async (call: EngineCall) => {
  called = true;
  let reply: EngineReply;
  try {
    const value =
      call.op === 'render' ? await runEngine(call.request) : await readYamlLikeHelm(call.mode, call.text);
    reply = { id: call.id, value };
  } catch (error) {
    reply = { id: call.id, error: sendableError(error) };
  }
  port.postMessage(reply);
});
