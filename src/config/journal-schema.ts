/**
 * `journal.*`: the call journal (SPEC R12). Retention deletes whole daily files older than `retentionDays`;
 * it stays off (null) until the upstream sinks have confirmed what they hold, and is applied by the
 * upstream sync, never on its own. SPEC R12's default is 400 days.
 */
import { z } from 'zod';

export const journalSchema = z
  .object({
    /** Days to keep daily files; null keeps everything (the default). */
    retentionDays: z.number().int().min(1).max(36_500).nullable().default(null),
  })
  .strict();

export type JournalConfig = z.infer<typeof journalSchema>;
