/**
 * An esbuild plugin that keeps `await import('some-package')` working for CommonJS packages in a
 * code-split ESM bundle.
 *
 * Why: Node gives `import()` of a CommonJS package its named exports, but in a split bundle esbuild
 * turns the package into a chunk whose only export is `default`, so
 * `const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb')` finds nothing. The plugin
 * puts a small module between the two that re-exports the package's names one by one, the names
 * being read from the package itself at build time.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'lazy-package';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The package's export names as Node's require sees them; undefined for an ESM-only package. */
function commonJsNames(specifier: string, resolveDir: string): string[] | undefined {
  try {
    const loaded = createRequire(join(resolveDir, 'noop.js'))(specifier) as object;
    return Object.keys(loaded).filter((name) => name !== 'default' && IDENTIFIER.test(name));
  } catch {
    // ESM-only (ERR_REQUIRE_ESM) or not loadable at build time: esbuild's own `export *` serves ESM.
    return undefined;
  }
}

export function lazyPackages(): Plugin {
  return {
    name: 'lazy-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
        return { path: args.path, namespace: NAMESPACE, pluginData: args.resolveDir };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const resolveDir = args.pluginData as string;
        const names = commonJsNames(args.path, resolveDir);
        const from = JSON.stringify(args.path);
        const contents =
          names === undefined
            ? `export * from ${from};`
            : `import * as p from ${from};\n${names.map((n) => `export const ${n} = p.${n};`).join('\n')}`;
        return { contents, resolveDir, loader: 'js' };
      });
    },
  };
}
