import { z } from "zod";

/**
 * The one rule for the ids people and scripts send, shared by sales, refunds, the programme, search and
 * the feed's indexer, so that whatever one accepts the others accept too. Browser-safe.
 */

/** A movie or session id: a positive whole number of up to 15 digits, so it stays exact as a JS number. */
export const POSITIVE_ID = /^[1-9]\d{0,14}$/;
export const MAX_POSITIVE_ID = 999_999_999_999_999;

/** A seat: one or two row letters and a number from 1 to 999, like B12 or AA3. */
export const SEAT_PATTERN = /^[A-Z]{1,2}[1-9]\d{0,2}$/;

export function isPositiveId(value: string): boolean {
  return POSITIVE_ID.test(value);
}

/** A movie or session id from a JSON body: a number or a string of digits, as a string. */
export function positiveIdSchema(label: string) {
  const error = `${label} must be a positive whole number of up to 15 digits, like 53.`;
  return z.union(
    [
      z.number({ error }).int({ error }).positive({ error }).max(MAX_POSITIVE_ID, { error }).transform(String),
      z.string({ error }).trim().regex(POSITIVE_ID, { error }),
    ],
    { error },
  );
}
