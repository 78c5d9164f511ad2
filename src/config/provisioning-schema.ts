/**
 * The `provisioning` config section (issue 11, fleet provisioning as desk phones do it): at boot the unit fetches
 * `<url>/deskphone.json` (shared by the fleet) and `<url>/deskphone-<key>.json` (this unit: its unitId, or the
 * MAC address of its default interface, lower-case hex without colons) over HTTPS, and applies them over the
 * local file. `caFile` pins the server's CA (only that CA is trusted); null trusts the system's CAs.
 */
import { z } from 'zod';
import { secret } from './marks.ts';

export const provisioningSchema = z
  .object({
    /** Base URL, https only; null: no provisioning. */
    url: secret(
      z
        .string()
        .url('must be a URL')
        .refine((u) => u.startsWith('https://'), 'must be an https:// URL (the files can hold secrets)'),
      { kind: 'url', userIsSecret: true },
    )
      .nullable()
      .default(null),
    caFile: z.string().min(1).nullable().default(null),
    /** What names this unit's own file. */
    unitKey: z.enum(['unitId', 'mac']).default('unitId'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();

export type ProvisioningConfig = z.infer<typeof provisioningSchema>;
