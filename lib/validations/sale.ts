import { z } from "zod";
import { ValidationError } from "../errors";

import { positiveIdSchema, SEAT_PATTERN } from "./ids";

export { SEAT_PATTERN } from "./ids";

const positiveId = (label: string) => positiveIdSchema(label).transform(Number);

/** What the sale form and `POST /api/tickets` accept. */
export const saleSchema = z.object({
  name: z.string({ error: "Name is required." }).trim().min(1, "Name is required.").max(100, "Name must be at most 100 characters."),
  seat: z
    .string({ error: "Seat is required, like B12." })
    .trim()
    .toUpperCase()
    .regex(SEAT_PATTERN, "Seat must be a row letter and a number, like B12 or AA3."),
  movieId: positiveId("Movie"),
  sessionId: positiveId("Session"),
});

export type Sale = z.output<typeof saleSchema>;

/** Several seats for one screening, sold together: `seats` is never empty and holds no duplicate. */
export interface MultiSale {
  name: string;
  seats: string[];
  movieId: number;
  sessionId: number;
}

const seatItem = z
  .string({ error: "Each seat is a row letter and a number, like B12." })
  .trim()
  .toUpperCase()
  .regex(SEAT_PATTERN, "Each seat must be a row letter and a number, like B12 or AA3.");

/** What `POST /api/tickets` accepts with a `seats` list: up to `maxSeats` distinct seats. */
export function multiSaleSchema(maxSeats: number) {
  return saleSchema.omit({ seat: true }).extend({
    seats: z
      .array(seatItem, { error: 'Seats must be a list like ["B12", "B13"].' })
      .min(1, "Pick at least one seat.")
      .max(maxSeats, `One sale holds at most ${maxSeats} seats; sell the rest in another sale.`)
      .superRefine((seats, ctx) => {
        const seen = new Set<string>();
        for (const seat of seats) {
          if (seen.has(seat)) ctx.addIssue({ code: "custom", message: `Seat ${seat} is listed twice; list each seat once.` });
          seen.add(seat);
        }
      }),
  });
}

/**
 * Validates a `POST /api/tickets` body: `seat` for one seat, or `seats` for several (at most `maxSeats`).
 * @returns the sale with `single` true when the body used `seat`.
 * @throws ValidationError naming the first field to fix.
 */
export function parseSaleRequest(body: unknown, maxSeats: number): MultiSale & { single: boolean } {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "seats" in body) {
    if ("seat" in body) throw new ValidationError("Send either seat or seats, not both.", "seats");
    const result = multiSaleSchema(maxSeats).safeParse(body);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new ValidationError(issue.message, String(issue.path[0] ?? ""));
    }
    return { ...result.data, single: false };
  }
  const { seat, ...sale } = parseSale(body);
  return { ...sale, seats: [seat], single: true };
}

/**
 * Validates a single-seat sale request body.
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
