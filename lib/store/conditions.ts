import type { AttributeValue, Condition, Item } from './driver.ts';

/** Evaluates a condition against an item (undefined = no such item), the way DynamoDB would. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.op) {
    case 'itemExists':
      return item !== undefined;
    case 'itemAbsent':
      return item === undefined;
    case 'attrAbsent':
      return item?.[condition.name] === undefined;
    case 'eq':
      return item?.[condition.name] === condition.value;
    case 'lt': {
      const actual: AttributeValue | undefined = item?.[condition.name];
      // DynamoDB's `<` is false when the attribute is missing or of another type.
      return typeof actual === typeof condition.value && (actual as number | string) < condition.value;
    }
    case 'in':
      return item !== undefined && condition.values.includes(item[condition.name] as never);
    case 'and':
      return condition.of.every((c) => evaluateCondition(c, item));
    case 'or':
      return condition.of.some((c) => evaluateCondition(c, item));
  }
}
