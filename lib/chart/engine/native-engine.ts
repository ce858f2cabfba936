/**
 * The chart engine as a native program (go/src/quayside-engine/main_native.go): the same Go code as
 * engine.wasm, built for this machine, run as a child process that answers calls over its standard
 * input and output. The CLI uses it where a build for its platform ships (`engine-linux-x64`): it is
 * ready in a few milliseconds, where the WebAssembly engine costs ~100 ms of a core to compile and
 * start, and it renders at native speed. Elsewhere, or with QUAYSIDE_ENGINE=wasm, the CLI runs
 * engine.wasm in a worker thread (engine-host.ts).
 *
 * A frame is a 4-byte big-endian length and that many bytes. A call is an operation frame and its
 * arguments (render: the JSON request, the files' bytes, an empty stored parse; yaml: the mode and
 * the text; verify: a TLS server's certificate chain as JSON, see verifyServerCertificate); the answer
 * is two frames, the JSON response and a stored parse (unused here: native parsing costs too little
 * to keep). Calls are answered in the order they were sent.
 */
import { fileURLToPath } from 'node:url';
import {
  type EngineProcess,
  holdEngineOpen,
  nativeEngineIn,
  type StartedEngineProcess,
  startEngineProcess,
} from '../../../bin/launch.js';
import type { ServerCertificate } from '../../kube/server-verifier.ts';
import { EngineError } from '../errors.ts';
import { ENGINE_MESSAGES } from '../messages.ts';
import type { EngineCall, EngineChannel } from './engine-host.ts';
import { type EngineResponse, EngineYamlError } from './wasm-engine.ts';

export { nativeEngineName } from '../../../bin/launch.js';

/**
 * The native engine a command of this process would run (`version --verbose`; bin/launch.js decides
 * the same way, from the checkout), or why it runs the WebAssembly engine instead.
 */
export function nativeEngine(env: NodeJS.ProcessEnv = process.env): { path: string } | { unusable: string } {
  return nativeEngineIn(fileURLToPath(new URL('./', import.meta.url)), env);
}

/** A call of the native engine: the engine's own, or a TLS server's certificate to verify (verify_native.go). */
type NativeCall = DistributiveOmit<EngineCall, 'id'> | { op: 'verify'; certificate: ServerCertificate };

interface Waiting {
  call: NativeCall;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** What of the engine's standard error is kept to explain a crash. */
const STDERR_KEPT = 4096;

/** The native engine's process; replaced by a new one if it ever stops. */
export class ProcessEngine implements EngineChannel {
  private child: EngineProcess | undefined;
  private readonly waiting: Waiting[] = [];
  private received: Buffer[] = [];
  private receivedBytes = 0;
  /** How many bytes the oldest answer needs at least, as far as its frames' lengths are known yet. */
  private needed = 0;
  private stderr = '';

  constructor(
    private readonly path: string,
    started?: StartedEngineProcess,
  ) {
    if (started !== undefined && !started.stopped) this.watch(started.child);
  }

  /**
   * Verifies a TLS server's certificate chain as kubectl does (Go's crypto/x509: the kubeconfig's CA
   * only, the server name, server authentication): the CLI's ServerCertificateVerifier.
   */
  verifyServerCertificate(certificate: ServerCertificate): Promise<{ ok: true } | { error: string }> {
    return this.call({ op: 'verify', certificate });
  }

  call<T>(call: NativeCall): Promise<T> {
    const child = this.child ?? this.start();
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.length === 0) holdEngineOpen(child, true);
      this.waiting.push({ call, resolve: resolve as (value: unknown) => void, reject });
      child.stdin!.write(encodeCall(call));
    });
  }

  /** Ends the engine's process if it owes nothing (its input closes; it exits); a later call starts another. */
  release(): void {
    const child = this.child;
    if (child === undefined || this.waiting.length > 0) return;
    this.child = undefined;
    child.stdin?.end();
  }

  private start(): EngineProcess {
    const child = startEngineProcess(this.path, process.getBuiltinModule('node:child_process').spawn).child;
    this.watch(child);
    return child;
  }

  private watch(child: EngineProcess): void {
    this.child = child;
    this.received = [];
    this.receivedBytes = 0;
    this.needed = 0;
    this.stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      this.received.push(chunk);
      this.receivedBytes += chunk.length;
      // A big answer (megabytes of manifests) arrives in 64 KB chunks: they are joined once it is whole.
      if (this.receivedBytes >= this.needed) this.answer();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (this.child === child) this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
    });
    const stopped = (cause: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      const detail = this.stderr.trim();
      // An 'error' from spawn itself (ENOENT, EACCES, ENOEXEC): it never ran.
      const unstartable = String((cause as { syscall?: unknown }).syscall ?? '').startsWith('spawn');
      const message = unstartable ? ENGINE_MESSAGES.nativeUnstartable : ENGINE_MESSAGES.nativeCrashed;
      const error = new EngineError(message(this.path), {
        cause: detail === '' ? cause : new Error(`${cause.message}: ${detail}`),
      });
      for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    };
    child.on('error', (error) => stopped(error));
    child.on('exit', (code: number | null, signal: NodeJS.Signals | null) =>
      stopped(
        new Error(
          signal !== null
            ? `the engine exited with signal ${signal}`
            : code !== null
              ? `the engine exited with code ${code}`
              : // An engine the launcher started (adoptEngineProcess): its end is seen, not its status.
                'the engine closed its answers',
        ),
      ),
    );
  }

  /** Settles the oldest call for each whole answer received. */
  private answer(): void {
    while (this.waiting.length > 0) {
      const data = this.received.length === 1 ? this.received[0]! : Buffer.concat(this.received);
      this.received = [data];
      const read = readFrames(data, 2);
      if ('needed' in read) {
        this.needed = read.needed;
        return;
      }
      const { frames, used } = read;
      const text = frames[0]!;
      this.received = used === data.length ? [] : [data.subarray(used)];
      this.receivedBytes = data.length - used;
      this.needed = 0;
      const waiting = this.waiting.shift()!;
      if (this.waiting.length === 0 && this.child !== undefined) holdEngineOpen(this.child, false);
      try {
        waiting.resolve(decodeAnswer(waiting.call, text.toString('utf8')));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}

function decodeAnswer(call: NativeCall, text: string): unknown {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch (error) {
    throw new EngineError(ENGINE_MESSAGES.badResponse, { cause: error });
  }
  if (call.op === 'render') return reply as EngineResponse;
  if (call.op === 'verify') return reply;
  const { value, error } = reply as { value?: unknown; error?: string };
  if (error !== undefined) throw new EngineYamlError(error);
  return value ?? null;
}

function encodeCall(call: NativeCall): Buffer {
  if (call.op === 'verify') {
    const { ca, serverName, chain } = call.certificate;
    return encodeFrames([
      'verify',
      JSON.stringify({ ca, serverName, chain: chain.map((der) => der.toString('base64')) }),
    ]);
  }
  if (call.op === 'yaml') return encodeFrames(['yaml', call.mode, call.text]);
  const { fileData, ...request } = call.request;
  return encodeFrames(['render', JSON.stringify(request), fileData ?? new Uint8Array(), new Uint8Array()]);
}

/** Frames of these strings (as UTF-8) and bytes, one after another. */
export function encodeFrames(parts: ReadonlyArray<string | Uint8Array>): Buffer {
  const bodies = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
  const out = Buffer.allocUnsafe(bodies.reduce((sum, body) => sum + 4 + body.length, 0));
  let at = 0;
  for (const body of bodies) {
    at = out.writeUInt32BE(body.length, at);
    out.set(body, at);
    at += body.length;
  }
  return out;
}

/**
 * The first `count` frames of `data` and the bytes they take; or, until all have arrived, how many bytes
 * they take at least, as far as their lengths have arrived.
 */
export function readFrames(
  data: Buffer,
  count: number,
): { frames: Buffer[]; used: number } | { needed: number } {
  const frames: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (data.length < at + 4) return { needed: at + 4 };
    const length = data.readUInt32BE(at);
    if (data.length < at + 4 + length) return { needed: at + 4 + length + 4 * (count - i - 1) };
    frames.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { frames, used: at };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
