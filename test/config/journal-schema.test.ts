import { describe, expect, it } from 'vitest';
import { journalSchema } from '../../src/config/journal-schema.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('journal config', () => {
  it('keeps every record by default (retention off until upstream sync confirms)', () => {
    expect(configSchema.parse({}).journal).toEqual({ retentionDays: null });
    expect(journalSchema.parse({ retentionDays: 400 })).toEqual({ retentionDays: 400 });
  });

  it('refuses a retention that is not a whole number of days, naming the field', () => {
    for (const bad of [0, -1, 1.5, '400', 100_000]) {
      const result = configSchema.safeParse({ journal: { retentionDays: bad } });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['journal', 'retentionDays']);
    }
    expect(configSchema.safeParse({ journal: { keepDays: 3 } }).success).toBe(false);
  });
});
