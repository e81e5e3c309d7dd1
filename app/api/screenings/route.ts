import { listScreenings } from "@/lib/screenings";
import { json } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Every screening sold so far, with seats held and capacity, by movie then session. */
export const GET = route("staff", async (_request, { redis, keys, config }) =>
  json({ screenings: await listScreenings(redis, keys, config.seatMap.rows * config.seatMap.seatsPerRow) }),
);
