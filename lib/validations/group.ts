import { z } from "zod";
import { ValidationError } from "../errors";
import { isStreamId } from "../stream-id";

const NAME = /^[A-Za-z0-9._:@-]+$/;

const name = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(100, `${label} must be at most 100 characters.`)
    .regex(NAME, `${label} may use letters, digits and . _ : @ - only.`);

export const groupNameSchema = name("Group name");
export const consumerNameSchema = name("Consumer");

/** A position in the stream: "$" (new entries only), "0" (everything), an entry id, or a point in time. */
export const startSchema = z
  .string({ error: "Start from is required: $, 0, an entry id or a time." })
  .trim()
  .transform((value, ctx) => {
    if (value === "$" || value === "0") return value;
    if (isStreamId(value)) return value;
    if (/^\d{1,15}$/.test(value)) return timeToPosition(Number(value));
    const time = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) ? Date.parse(value) : NaN;
    if (!Number.isNaN(time)) return timeToPosition(time);
    ctx.addIssue({
      code: "custom",
      message:
        'Start from must be "$" (new entries), "0" (the whole stream), an entry id like 1700000000000-0, or a time like 2026-11-28T21:40.',
    });
    return z.NEVER;
  });

/** The last-delivered id that makes a group deliver every entry from `ms` on. */
function timeToPosition(ms: number): string {
  return ms <= 0 ? "0" : `${ms - 1}-18446744073709551615`;
}

const count = (label: string, max: number) =>
  z.coerce
    .number({ error: `${label} must be a whole number from 1 to ${max}.` })
    .int(`${label} must be a whole number from 1 to ${max}.`)
    .min(1, `${label} must be a whole number from 1 to ${max}.`)
    .max(max, `${label} must be a whole number from 1 to ${max}.`);

const idleMs = z.coerce
  .number({ error: "Minimum idle (ms) must be a whole number of milliseconds, 0 or more." })
  .int("Minimum idle (ms) must be a whole number of milliseconds, 0 or more.")
  .min(0, "Minimum idle (ms) must be a whole number of milliseconds, 0 or more.")
  .max(365 * 24 * 3600 * 1000, "Minimum idle (ms) must be at most a year.");

const streamId = z
  .string({ error: "Each id must be an entry id like 1700000000000-0." })
  .refine(isStreamId, "Each id must be an entry id like 1700000000000-0.");
const ids = z
  .array(streamId, { error: "ids must be a list of entry ids." })
  .min(1, "Select at least one message.")
  .max(1000, "Send at most 1000 ids at once.");

export const createGroupSchema = z.object({ name: groupNameSchema, start: startSchema });
export const setIdSchema = z.object({ start: startSchema });
export const readSchema = z.object({ consumer: consumerNameSchema, count: count("Count", 1000) });
export const ackSchema = z.object({ ids });
export const claimSchema = z.object({ consumer: consumerNameSchema, minIdleMs: idleMs, ids });
export const autoclaimSchema = z.object({
  consumer: consumerNameSchema,
  minIdleMs: idleMs,
  cursor: streamId.optional().default("0-0"),
  count: count("count", 1000).optional().default(500),
});
export const deadLetterSchema = z.object({ minDeliveries: count("Minimum deliveries", 1_000_000).optional(), ids: ids.optional() });
export const pendingQuerySchema = z.object({
  consumer: consumerNameSchema.optional(),
  minIdleMs: idleMs.optional().default(0),
  count: count("count", 1000).optional().default(100),
  after: streamId.optional(),
});

/**
 * Parses `input` with `schema`.
 * @throws ValidationError naming the first field to fix.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError("Send a JSON object.");
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(issue.message, issue.path.length > 0 ? String(issue.path[0]) : undefined);
  }
  return result.data;
}
