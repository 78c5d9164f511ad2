/**
 * Config `directory`: the colleagues the receptionist transfers callers to and calls (SPEC R13). Each has a name
 * (what the caller hears: "transferring you to <name>"), an optional department, and a SIP URI or an extension
 * (digits, dialled through the registrar).
 */
import { z } from 'zod';

/** A SIP URI, or an extension of digits (with * # + allowed, as desk phones do). */
export const dialTarget = z
  .string()
  .trim()
  .regex(/^(sips?:[^\s<>"@]+@[^\s<>"]+|[0-9*#+]{1,20})$/, 'a SIP URI (sip:user@host) or an extension of digits');

export const directoryEntrySchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    department: z.string().trim().min(1).max(60).optional(),
    uri: dialTarget,
  })
  .strict();

export const directorySchema = z
  .array(directoryEntrySchema)
  .max(500)
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const key = e.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${e.name}" is already entry ${first}: names must differ` });
      else seen.set(key, i);
    });
  });

export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;
