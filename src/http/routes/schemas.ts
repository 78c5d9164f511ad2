/** zod pieces the routes share (one schema per route validates the request and feeds openapi.json). */
import { z } from 'zod';

export const isoInstant = z.string().datetime({ offset: true, message: 'must be an ISO-8601 time with a zone, e.g. 2026-11-25T09:00:00+08:00' });
export const idParam = z.object({ id: z.string().min(1).max(100) }).strict();
export const phoneNumber = z.string().regex(/^\+?[0-9*#]{2,24}$/, 'digits, optionally a leading + (2 to 24)');
/** Text a person typed: trimmed, not empty. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
