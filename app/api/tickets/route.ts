import { ValidationError } from "@/lib/errors";
import { parseSale, readHistory, sellTicket, MAX_PAGE } from "@/lib/tickets";
import { getContext } from "@/server/context";
import { errorResponse, intParam, json, readJson } from "@/server/http";

export const dynamic = "force-dynamic";

/** Sells a seat. */
export async function POST(request: Request): Promise<Response> {
  try {
    const sale = parseSale(await readJson(request));
    const { redis, keys } = getContext();
    const id = await sellTicket(redis, keys, sale);
    return json({ id }, 201);
  } catch (error) {
    return errorResponse(error, "Redis is not reachable right now, so nothing was sold. Try again in a moment.");
  }
}

/** Pages through history: `?before=<id>` newest first, or `?after=<id>` oldest first. */
export async function GET(request: Request): Promise<Response> {
  try {
    const params = new URL(request.url).searchParams;
    const before = params.get("before") ?? undefined;
    const after = params.get("after") ?? undefined;
    if (before !== undefined && after !== undefined) {
      throw new ValidationError("Use either before or after, not both.");
    }
    const count = intParam(params, "count", 100, 1, MAX_PAGE);
    const { redis, keys } = getContext();
    return json(await readHistory(redis, keys, { before, after, count }));
  } catch (error) {
    return errorResponse(error);
  }
}
