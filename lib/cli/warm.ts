/**
 * Starting the chart engine early: compiling its WebAssembly (~10 MB) runs on V8's background threads,
 * so begun before the command's modules load, it is mostly done when the first render needs it.
 */
import { warmEngine } from '../chart/index.ts';

/** Commands that render a chart in this process. */
const RENDERING = new Set(['install', 'upgrade', 'template', 'diff']);

/** Starts the engine when `argv` is a command that will render here (not one sent to a queue). */
export function warmEngineFor(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const [command] = argv;
  if (command === undefined || !RENDERING.has(command)) return;
  if (command !== 'template' && (env.QUAYSIDE_QUEUE_URL || argv.some((a) => a.startsWith('--queue-url'))))
    return;
  // A failure here is met again, and reported, by the render that needs the engine.
  warmEngine().catch(() => {});
}
