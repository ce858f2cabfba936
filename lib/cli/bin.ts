/** The CLI's entry point as bundled into dist/cli/quayside.mjs (bin/quayside.js loads it). */
import { main } from './main.ts';

// The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
