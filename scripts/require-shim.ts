/** An ESM bundle has no `require`; CommonJS packages inside it (much of the AWS SDK's tree) call it. */
export const REQUIRE_SHIM =
  "import { createRequire as __quaysideCreateRequire } from 'node:module'; const require = __quaysideCreateRequire(import.meta.url);";
