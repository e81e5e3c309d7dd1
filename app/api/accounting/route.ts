import { entryDay, readAccounting } from "@/lib/accounting";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The accounting worker's figures: every screening it counted, and today (UTC). */
export const GET = route("staff", async (_request, { redis, keys }) => {
  const today = entryDay(`${Date.now()}-0`);
  const { screenings, days } = await readAccounting(redis, keys, [today]);
  return json({ screenings, today: days[0] });
});
