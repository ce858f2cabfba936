/**
 * The engine's worker thread (see engine-host.ts): starts the engine at once, then answers calls in
 * order with the in-thread engine's results, or its errors in a form the host throws again.
 */
import { parentPort } from 'node:worker_threads';
import type { EngineCall, EngineReply } from './engine-host.ts';
import { sendableError } from './engine-host.ts';
import { readYamlLikeHelm, runEngine, warmEngine } from './wasm-engine.ts';

const port = parentPort;
if (port === null) throw new Error('engine-worker runs as a worker thread (see engine-host.ts)');

// A failure here is met again, and answered, by the first call.
warmEngine().catch(() => {});

port.on('message', async (call: EngineCall) => {
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
