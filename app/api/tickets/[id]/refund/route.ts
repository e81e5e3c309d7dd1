import { refundTicket } from "@/lib/refunds";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Refunds a sale (supervisors): frees its seat and appends a refund entry. */
export const POST = route<{ id: string }>(
  "supervisor",
  async (_request, { redis, keys, config, session }, { id }) =>
    json({ id: await refundTicket(redis, keys, session.user.username, id, { retention: config.retention }) }, 201),
  {
    unavailable: "Redis is not reachable right now, so nothing was refunded. Try again in a moment.",
    uncertain:
      "The connection to Redis dropped while the refund was being written, so it may have gone through. Check the feed; refunding again is safe, as a second refund is refused.",
  },
);
