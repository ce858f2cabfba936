import { defineConfig } from 'vitest/config';

// The SDK warns on Node 20 about its 2027 support window; CI and developers run Node 20 until Lambda's Node 24 is local.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Every chart rendered in the tests also goes through Helm's own code paths
// wherever the engine takes a shortcut, and fails on any difference.
process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS = '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
