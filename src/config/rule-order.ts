/**
 * Threshold pairs where one must be below the other (SPEC R1, R4, R5, R12). The rules schema checks them, and
 * parseConfig checks them again on the raw file when other fields are wrong (zod skips a section's cross-field
 * checks once a field in it fails), so an installer sees every problem at once.
 */
export const RULE_ORDER = [
  { lower: 'ringOnMs', upper: 'ringCycleMs', field: 'ringOnMs', message: 'must be shorter than ringCycleMs' },
  { lower: 'holdCheckInMs', upper: 'holdLimitMs', field: 'holdLimitMs', message: 'must be longer than holdCheckInMs' },
  { lower: 'lengthWarnMs', upper: 'lengthLimitMs', field: 'lengthLimitMs', message: 'must be longer than lengthWarnMs' },
  { lower: 'syncWarnMs', upper: 'syncAlarmMs', field: 'syncAlarmMs', message: 'must be longer than syncWarnMs' },
] as const;

/**
 * The pairs out of order in `rules` (a parsed section, or the raw one from a file). A key left out takes its
 * default; a value that is not a positive integer has its own issue, so its pairs are not judged.
 */
export function ruleOrderIssues(rules: Record<string, unknown>, defaults: Readonly<Record<string, number>>): Array<{ field: string; message: string }> {
  const value = (key: string): number | null => {
    const v = key in rules ? rules[key] : defaults[key];
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
  };
  return RULE_ORDER.filter((p) => {
    const lo = value(p.lower);
    const hi = value(p.upper);
    return lo !== null && hi !== null && lo >= hi;
  }).map((p) => ({ field: p.field, message: p.message }));
}
