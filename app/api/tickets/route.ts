import { ValidationError } from "@/lib/errors";
import { parseSale, readHistory, sellTicket, MAX_PAGE } from "@/lib/tickets";
import { intParam, json, readJson } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Sells a seat. */
export const POST = route(
  "staff",
  async (request, { redis, keys, config, session }) => {
    const sale = parseSale(await readJson(request));
    return json({ id: await sellTicket(redis, keys, sale, { soldBy: session.user.username }, { retention: config.retention }) }, 201);
  },
  {
    unavailable: "Redis is not reachable right now, so nothing was sold. Try again in a moment.",
    uncertain:
      "The connection to Redis dropped while the sale was being written, so it may have gone through. Check the feed or the seat map; selling it again is safe, as a seat already sold is refused.",
  },
);

/** Pages through history: `?before=<id>` newest first, or `?after=<id>` oldest first. */
export const GET = route("staff", async (request, { redis, keys }) => {
  const params = new URL(request.url).searchParams;
  const before = params.get("before") ?? undefined;
  const after = params.get("after") ?? undefined;
  if (before !== undefined && after !== undefined) throw new ValidationError("Use either before or after, not both.");
  const count = intParam(params, "count", 100, 1, MAX_PAGE);
  return json(await readHistory(redis, keys, { before, after, count }));
});
