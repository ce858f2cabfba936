import { ChartInvalidError } from '../errors.ts';
import { CHART_MESSAGES } from '../messages.ts';
import { matchGoPattern } from './glob.ts';

interface Rule {
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

/** Rules of a .helmignore file, applied like Helm's pkg/ignore. */
export class HelmIgnore {
  private constructor(private readonly rules: Rule[]) {}

  /** Parses .helmignore text and adds Helm's default rule (hidden files under templates/). */
  static parse(text: string): HelmIgnore {
    const rules: Rule[] = [];
    for (const line of text.split('\n')) {
      const rule = parseRule(line);
      if (rule) rules.push(rule);
    }
    const defaults = parseRule('templates/.?*');
    if (defaults) rules.push(defaults);
    return new HelmIgnore(rules);
  }

  /** Whether a path (relative, '/'-separated) is ignored. */
  ignores(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const rule of this.rules) {
      if (rule.negate) {
        if (rule.mustDir && !isDir) return true;
        if (!rule.match(path)) return true;
        continue;
      }
      if (rule.mustDir && !isDir) continue;
      if (rule.match(path)) return true;
    }
    return false;
  }
}

function parseRule(line: string): Rule | undefined {
  let rule = line.trim();
  if (rule === '' || rule.startsWith('#')) return undefined;
  if (rule.includes('**')) throw new ChartInvalidError(CHART_MESSAGES.helmignoreDoubleStar);
  const negate = rule.startsWith('!');
  if (negate) rule = rule.slice(1);
  const mustDir = rule.endsWith('/');
  if (mustDir) rule = rule.slice(0, -1);
  let match: (path: string) => boolean;
  if (rule.startsWith('/')) {
    const rooted = rule.slice(1);
    match = (path) => matchGoPattern(rooted, path);
  } else if (rule.includes('/')) {
    match = (path) => matchGoPattern(rule, path);
  } else {
    match = (path) => matchGoPattern(rule, path.slice(path.lastIndexOf('/') + 1));
  }
  return { negate, mustDir, match };
}
