import { ProgramChangedError, ValidationError } from "@/lib/errors";
import { parseSaleRequest, readHistory, sellTickets, MAX_PAGE } from "@/lib/tickets";
import { checkSale } from "@/lib/validations/program-index";
import { intParam, json, readJson } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** How often a sale is checked again when the programme changed between its check and its write. */
const PROGRAM_RETRIES = 3;

/**
 * Sells one seat (`seat`, answered with `{id}`) or several of one screening (`seats`, answered with
 * `{ids}`), all or nothing, after checking them against the programme: the hall's plan, and that sales
 * for the showing are still open.
 */
export const POST = route(
  "staff",
  async (request, { redis, keys, config, session, program }) => {
    const sale = parseSaleRequest(await readJson(request), config.sales.maxSeats);
    for (let attempt = 1; ; attempt++) {
      const state = attempt === 1 ? await program.get() : await program.reload();
      const { price, screening } = checkSale(state.index, sale, { nowMs: Date.now(), closeMinutes: config.sales.closeMinutes, defaultPlan: config.seatMap });
      const extra: Record<string, string> = { soldBy: session.user.username };
      if (price !== undefined) extra.price = String(price);
      try {
        const ids = await sellTickets(redis, keys, sale, { extra, retention: config.retention, programVersion: state.version, screening });
        return json(sale.single ? { id: ids[0] } : { ids }, 201);
      } catch (error) {
        if (!(error instanceof ProgramChangedError) || attempt === PROGRAM_RETRIES) throw error;
      }
    }
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
