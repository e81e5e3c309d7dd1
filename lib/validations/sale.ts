import { z } from "zod";
import { ValidationError } from "../errors";

export const SEAT_PATTERN = /^[A-Z]{1,2}[1-9]\d{0,2}$/;

const positiveId = (label: string) => {
  const error = `${label} must be a positive whole number, like 53.`;
  return z.union(
    [
      z.number({ error }).int({ error }).positive({ error }).max(Number.MAX_SAFE_INTEGER, { error }),
      z.string({ error }).trim().regex(/^[1-9]\d{0,14}$/, { error }).transform(Number),
    ],
    { error },
  );
};

/** What the sale form and `POST /api/tickets` accept. */
export const saleSchema = z.object({
  name: z
    .string({ error: "Name is required." })
    .trim()
    .min(1, "Name is required.")
    .max(100, "Name must be at most 100 characters."),
  seat: z
    .string({ error: "Seat is required, like B12." })
    .trim()
    .toUpperCase()
    .regex(SEAT_PATTERN, "Seat must be a row letter and a number, like B12 or AA3."),
  movieId: positiveId("Movie"),
  sessionId: positiveId("Session"),
});

export type Sale = z.output<typeof saleSchema>;

/**
 * Validates a sale request body.
 * @throws ValidationError naming the first field to fix.
 */
export function parseSale(body: unknown): Sale {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError("Send a JSON object with name, seat, movieId and sessionId.");
  }
  const result = saleSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(issue.message, String(issue.path[0] ?? ""));
  }
  return result.data;
}

