import { listScreenings } from "@/lib/screenings";
import { hallCapacity } from "@/lib/validations/program";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Every screening sold so far, with seats held and its hall's capacity, by movie then session. */
export const GET = route("staff", async (_request, { redis, keys, config, program }) => {
  const { index } = await program.get();
  const fallback = config.seatMap.rows * config.seatMap.seatsPerRow;
  const capacity = (movieId: string, sessionId: string) => {
    const showing = index.showings.get(sessionId);
    const hall = showing?.movieId === movieId ? index.halls.get(showing.hallId) : undefined;
    return hall ? hallCapacity(hall) : fallback;
  };
  return json({ screenings: await listScreenings(redis, keys, capacity) });
});
