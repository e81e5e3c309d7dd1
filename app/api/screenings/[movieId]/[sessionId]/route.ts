import { ValidationError } from "@/lib/errors";
import { soldSeats } from "@/lib/tickets";
import { getContext } from "@/server/context";
import { errorResponse, json } from "@/server/http";

export const dynamic = "force-dynamic";

const POSITIVE = /^[1-9]\d{0,14}$/;

/** The seat map of one screening: its size and the seats sold (seat → entry id). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ movieId: string; sessionId: string }> },
): Promise<Response> {
  try {
    const { movieId, sessionId } = await params;
    if (!POSITIVE.test(movieId)) throw new ValidationError("Movie must be a positive whole number, like 53.", "movieId");
    if (!POSITIVE.test(sessionId)) {
      throw new ValidationError("Session must be a positive whole number, like 832.", "sessionId");
    }
    const { redis, keys, config } = getContext();
    const sold = await soldSeats(redis, keys, movieId, sessionId);
    return json({ movieId, sessionId, rows: config.seatMap.rows, seatsPerRow: config.seatMap.seatsPerRow, sold });
  } catch (error) {
    return errorResponse(error);
  }
}
