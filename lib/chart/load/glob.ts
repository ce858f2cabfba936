/**
 * Go's path.Match: `*` and `?` never match '/', `[...]` classes with `^`
 * negation and ranges, `\` escapes. Helm uses it for .helmignore and
 * --show-only; minimatch and friends differ in small ways (dotfiles, braces).
 */
export function matchGoPattern(pattern: string, name: string): boolean {
  return compileGoPattern(pattern).test(name);
}

const cache = new Map<string, RegExp>();

function compileGoPattern(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return remember(pattern, /(?!)/);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, '\\$&');
      source += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else source += escapeRegex(c);
  }
  return remember(pattern, new RegExp(`${source}$`, 's'));
}

function remember(pattern: string, re: RegExp): RegExp {
  cache.set(pattern, re);
  return re;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
