/**
 * An esbuild plugin that lets each part keep its one `index.ts` while a bundle loads only what it uses.
 *
 * Why: with code splitting, esbuild assigns whole files to chunks by which entry points can reach them,
 * and a re-export in an index counts as reaching the file even when nothing uses it. So `history`,
 * importing `readHistory` from lib/engine/index.ts, would load the chunk holding the engine's
 * install path, the chart renderer, the schema check and the AWS SDK. The plugin rewrites an import from a part's
 * index (`import { a, b } from '../engine/index.ts'`) into imports from the files that define those
 * names, as the index itself says; the sources keep importing only indexes.
 *
 * Only indexes made of nothing but `export { … } from './file.ts'` lists are rewritten, and only
 * imports whose every name the index lists; anything else is left as written (correct, just less lean).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

/** Where an index's exported name is defined: the file, and the name it has there. */
interface Origin {
  readonly file: string;
  readonly name: string;
}

const RE_EXPORT = /^export\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';?$/;
const IMPORT_FROM_INDEX = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']*\/index\.ts)';?/g;
const COMMENT = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

/** `a`, `type a`, `a as b` → [name, alias, type-only]. */
function specifiers(list: string): { name: string; alias: string; typeOnly: boolean }[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const typeOnly = s.startsWith('type ');
      const [name, alias] = (typeOnly ? s.slice(5) : s).split(/\s+as\s+/).map((x) => x.trim());
      return { name: name!, alias: alias ?? name!, typeOnly };
    });
}

/** The index's names and their origins, or undefined when the index is more than re-export lists. */
function readIndex(file: string): Map<string, Origin> | undefined {
  const origins = new Map<string, Origin>();
  const statements = readFileSync(file, 'utf8')
    .replace(COMMENT, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
  for (const statement of statements) {
    const match = RE_EXPORT.exec(statement);
    if (!match) return undefined;
    const [, wholeType, list, from] = match;
    if (wholeType) continue;
    for (const s of specifiers(list!)) {
      if (!s.typeOnly) origins.set(s.alias, { file: resolve(dirname(file), from!), name: s.name });
    }
  }
  return origins;
}

/** The import statements that replace one import from an index, or undefined to keep it. */
function rewrite(list: string, index: Map<string, Origin>, importer: string): string | undefined {
  const byFile = new Map<string, string[]>();
  for (const s of specifiers(list)) {
    if (s.typeOnly) continue;
    const origin = index.get(s.name);
    if (!origin) return undefined;
    const names = byFile.get(origin.file) ?? [];
    names.push(origin.name === s.alias ? s.name : `${origin.name} as ${s.alias}`);
    byFile.set(origin.file, names);
  }
  return [...byFile]
    .map(([file, names]) => {
      const path = relative(dirname(importer), file);
      return `import { ${names.join(', ')} } from '${path.startsWith('.') ? path : `./${path}`}';`;
    })
    .join(' ');
}

/** The plugin: rewrites imports from parts' indexes in the project's TypeScript files under `root`. */
export function barrelImports(root: string): Plugin {
  const indexes = new Map<string, Map<string, Origin> | undefined>();
  const indexAt = (file: string) => {
    if (!indexes.has(file)) indexes.set(file, readIndex(file));
    return indexes.get(file);
  };
  return {
    name: 'barrel-imports',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(`${root}/`) || args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        const contents = source.replace(IMPORT_FROM_INDEX, (statement, wholeType, list, from) => {
          if (wholeType) return statement;
          const index = indexAt(resolve(dirname(args.path), from));
          const replaced = index && rewrite(list, index, args.path);
          if (replaced === undefined) return statement;
          // Same line count, so esbuild's messages still point at the right lines.
          return replaced + '\n'.repeat(statement.split('\n').length - 1);
        });
        return { contents, loader: 'ts' };
      });
    },
  };
}
