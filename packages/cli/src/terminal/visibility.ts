import type { FieldDescriptor } from '@configflow/forms';

/**
 * Whether a field is shown, given the values so far: the terminal asks in order, so a condition
 * can only look at fields before it (or at their defaults when they were not asked).
 */
export function isVisible(field: FieldDescriptor, currentValue: (name: string) => unknown): boolean {
  const rule = field.visibleWhen;
  if (!rule) return true;
  const actual = currentValue(rule.field);
  if ('equals' in rule) return sameValue(actual, rule.equals);
  return rule.in.some((v) => sameValue(actual, v));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
