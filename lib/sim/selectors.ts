/** Label and field selectors in the query-string syntax of `labelSelector` and `fieldSelector`. */
import { getObject, getPath, type JsonObject } from './json.ts';
import { badRequest } from './operations/status-errors.ts';

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside `in (...)` parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

function parseRequirement(term: string): Requirement {
  const set = term.match(/^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return op === 'in'
      ? (labels) => key in labels && values.includes(labels[key] ?? '')
      : (labels) => !(key in labels) || !values.includes(labels[key] ?? '');
  }
  const comparison = term.match(/^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/);
  if (comparison) {
    const [, key = '', op, value = ''] = comparison;
    return op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  if (/^![^\s!=]+$/.test(term)) return (labels) => !(term.slice(1) in labels);
  if (/^[^\s!=(),]+$/.test(term)) return (labels) => term in labels;
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

export function parseLabelSelector(selector: string | null): (object: JsonObject) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseRequirement);
  return (object) => {
    const labels = Object.fromEntries(
      Object.entries(getObject(object, ['metadata', 'labels']) ?? {}).map(([k, v]) => [k, String(v)]),
    );
    return requirements.every((matches) => matches(labels));
  };
}

export function parseFieldSelector(selector: string | null): (object: JsonObject) => boolean {
  if (!selector) return () => true;
  const checks = splitTerms(selector).map((term) => {
    const match = term.match(/^([^!=]+)(==|=|!=)(.*)$/);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = match;
    const path = field.trim().split('.');
    return (object: JsonObject) => {
      const actual = getPath(object, path);
      const text = actual === undefined || actual === null ? '' : String(actual);
      return op === '!=' ? text !== value : text === value;
    };
  });
  return (object) => checks.every((check) => check(object));
}
