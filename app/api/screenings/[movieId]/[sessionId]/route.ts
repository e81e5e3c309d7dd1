import { ValidationError } from "@/lib/errors";
import { soldSeats } from "@/lib/tickets";
import { json } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

const POSITIVE = /^[1-9]\d{0,14}$/;

/** The seat map of one screening: its size and the seats sold (seat → entry id). */
export const GET = route<{ movieId: string; sessionId: string }>("staff", async (_request, { redis, keys, config }, { movieId, sessionId }) => {
  if (!POSITIVE.test(movieId)) throw new ValidationError("Movie must be a positive whole number, like 53.", "movieId");
  if (!POSITIVE.test(sessionId)) throw new ValidationError("Session must be a positive whole number, like 832.", "sessionId");
  const sold = await soldSeats(redis, keys, movieId, sessionId);
  return json({ movieId, sessionId, rows: config.seatMap.rows, seatsPerRow: config.seatMap.seatsPerRow, sold });
});
