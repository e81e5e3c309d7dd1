import { ProgramChangedError, ValidationError } from "@/lib/errors";
import { parseSaleRequest, readHistory, sellTickets, MAX_PAGE } from "@/lib/tickets";
import { checkSale } from "@/lib/validations/program-index";
import { intParam } from "./body";
import { reply } from "./reply";
import { endpoint } from "./route";

/** How often a sale is checked again when the programme changed between its check and its write. */
const PROGRAM_RETRIES = 3;

/**
 * `POST /api/tickets`: sells one seat (`seat`, answered with `{id}`) or several of one screening (`seats`,
 * answered with `{ids}`), all or nothing, after checking them against the programme: the hall's plan,
 * and that sales for the showing are still open. The hottest request there is: the custom server serves
 * it itself (server/fast-path.ts); app/api/tickets/route.ts serves the same endpoint under `next dev`.
 */
export const sell = endpoint(
  "staff",
  async (request, { redis, keys, config, session, program }) => {
    const sale = parseSaleRequest(await request.json(), config.sales.maxSeats);
    for (let attempt = 1; ; attempt++) {
      const state = attempt === 1 ? await program.get() : await program.reload();
      const { price, screening } = checkSale(state.index, sale, {
        nowMs: Date.now(),
        closeMinutes: config.sales.closeMinutes,
        defaultPlan: config.seatMap,
      });
      const extra: Record<string, string> = { soldBy: session.user.username };
      if (price !== undefined) extra.price = String(price);
      try {
        const ids = await sellTickets(redis, keys, sale, { extra, retention: config.retention, programVersion: state.version, screening });
        return reply(sale.single ? { id: ids[0] } : { ids }, 201);
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

/** `GET /api/tickets`: pages through history, `?before=<id>` newest first or `?after=<id>` oldest first. */
export const history = endpoint("staff", async ({ query }, { redis, keys }) => {
  const before = query.get("before") ?? undefined;
  const after = query.get("after") ?? undefined;
  if (before !== undefined && after !== undefined) throw new ValidationError("Use either before or after, not both.");
  const count = intParam(query, "count", 100, 1, MAX_PAGE);
  return reply(await readHistory(redis, keys, { before, after, count }));
});
