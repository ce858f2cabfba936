/** RFC 6902 JSON Patch, as `application/json-patch+json` bodies use it. */
import { SimError } from '../errors.ts';
import { clone, deepEqual, isObject, type JsonValue } from '../json.ts';

export class PatchError extends SimError {}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

function parentOf(root: JsonValue, tokens: string[], op: string): { parent: JsonValue; key: string } {
  let node: JsonValue = root;
  for (const token of tokens.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(node)
      ? node[Number(token)]
      : isObject(node)
        ? node[token]
        : undefined;
    if (next === undefined)
      throw new PatchError(`doc is missing path: "/${tokens.join('/')}": missing value`);
    node = next;
  }
  const key = tokens[tokens.length - 1];
  if (key === undefined) throw new PatchError(`unable to ${op} the document root`);
  return { parent: node, key };
}

function read(root: JsonValue, pointer: string): JsonValue {
  let node: JsonValue | undefined = root;
  for (const token of parsePointer(pointer)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return node;
}

function add(root: JsonValue, pointer: string, value: JsonValue): void {
  const { parent, key } = parentOf(root, parsePointer(pointer), 'add');
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new PatchError(`add operation does not apply: doc is missing path: "${pointer}"`);
    parent.splice(index, 0, clone(value));
  } else if (isObject(parent)) parent[key] = clone(value);
  else throw new PatchError(`add operation does not apply: doc is missing path: "${pointer}"`);
}

function remove(root: JsonValue, pointer: string): void {
  const { parent, key } = parentOf(root, parsePointer(pointer), 'remove');
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length))
      throw new PatchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
    parent.splice(index, 1);
  } else if (isObject(parent) && key in parent) delete parent[key];
  else throw new PatchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
}

/** Applies the operations in order to a copy of `document`; throws PatchError on a failed op. */
export function applyJsonPatch(document: JsonValue, operations: JsonValue): JsonValue {
  if (!Array.isArray(operations)) throw new PatchError('json patch must be an array of operations');
  let result = clone(document);
  for (const operation of operations) {
    if (!isObject(operation)) throw new PatchError('json patch operation must be an object');
    const path = String(operation.path ?? '');
    const value = operation.value ?? null;
    switch (operation.op) {
      case 'add':
        if (path === '') result = clone(value);
        else add(result, path, value);
        break;
      case 'remove':
        remove(result, path);
        break;
      case 'replace':
        read(result, path);
        if (path === '') result = clone(value);
        else {
          remove(result, path);
          add(result, path, value);
        }
        break;
      case 'move': {
        const from = String(operation.from ?? '');
        const moved = read(result, from);
        remove(result, from);
        add(result, path, moved);
        break;
      }
      case 'copy':
        add(result, path, read(result, String(operation.from ?? '')));
        break;
      case 'test':
        if (!deepEqual(read(result, path), value))
          throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${String(operation.op)}`);
    }
  }
  return result;
}
