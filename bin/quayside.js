#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on load so `npx quayside` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
