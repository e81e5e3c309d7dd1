import { ValidationError } from "@/lib/errors";
import { ticketStates } from "@/lib/printed-tickets";
import { isStreamId } from "@/lib/stream-id";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The rows on one screen, with room to spare. */
const MAX_IDS = 200;

/**
 * Whether each sale's ticket is printed: `?ids=a,b,c` → done, pending or stuck (with the consumer holding
 * it and its idle time), or waiting. One request for the rows on screen, one Redis round trip.
 */
export const GET = route("staff", async (request, { redis, keys, config }) => {
  const ids = (new URL(request.url).searchParams.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length > MAX_IDS) throw new ValidationError(`Ask for at most ${MAX_IDS} ids at once.`, "ids");
  const bad = ids.find((id) => !isStreamId(id));
  if (bad !== undefined) throw new ValidationError(`${bad} is not a stream id like 1700000000000-0.`, "ids");
  const group = config.workers.group ?? "printing";
  return json({ group, ...(await ticketStates(redis, keys, group, ids, config.workers.claimIdleMs)) });
});
