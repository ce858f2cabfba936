import type { AttributeValue, Item } from './driver.ts';

/**
 * An item's size as DynamoDB counts it against the 400 KB item and 4 MB
 * transaction limits: attribute names plus values, UTF-8 strings, binary as is,
 * numbers about one byte per two digits, and a few bytes per list or map.
 */
export function itemSize(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += Buffer.byteLength(name) + valueSize(value);
  }
  return total;
}

function valueSize(value: AttributeValue): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
  return (
    3 +
    Object.entries(value).reduce<number>(
      (sum, [name, v]) => sum + Buffer.byteLength(name) + 1 + (v === undefined ? 0 : valueSize(v)),
      0,
    )
  );
}
