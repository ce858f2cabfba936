#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on load so `npx quayside` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
