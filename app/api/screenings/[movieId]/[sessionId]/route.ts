import { soldSeats } from "@/lib/tickets";
import { defaultHall, parseProgramId } from "@/lib/validations/program";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * The seat map of one screening: its plan (the hall's when the programme has the showing, else the
 * default SEAT_ROWS × SEATS_PER_ROW) and the seats sold (seat → entry id).
 */
export const GET = route<{ movieId: string; sessionId: string }>("staff", async (_request, { redis, keys, config, program }, params) => {
  const movieId = parseProgramId("movie", params.movieId);
  const sessionId = parseProgramId("session", params.sessionId);
  const [sold, { index }] = await Promise.all([soldSeats(redis, keys, movieId, sessionId), program.get()]);
  const showing = index.showings.get(sessionId);
  const hall = showing?.movieId === movieId ? index.halls.get(showing.hallId) : undefined;
  const plan = hall
    ? { hallId: hall.hallId, name: hall.name, rows: hall.rows }
    : { hallId: null, name: null, ...defaultHall(config.seatMap.rows, config.seatMap.seatsPerRow) };
  return json({ movieId, sessionId, rows: config.seatMap.rows, seatsPerRow: config.seatMap.seatsPerRow, plan, sold });
});
