import { parseSearchQuery, searchTickets } from "@/lib/search";
import { json } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Searches the stream newest first: `?name=&seat=&movieId=&sessionId=&from=&to=&count=&cursor=`. */
export const GET = route("staff", async (request, { redis, keys }) =>
  json(await searchTickets(redis, keys, parseSearchQuery(new URL(request.url).searchParams))),
);
