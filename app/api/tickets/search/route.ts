import { parseSearchQuery, searchTickets } from "@/lib/search";
import { takeScanSlot } from "@/lib/scan-slots";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Searches the stream newest first: `?name=&seat=&movieId=&sessionId=&from=&to=&count=&cursor=`. */
export const GET = route("staff", async (request, { redis, keys, session }) => {
  const query = parseSearchQuery(new URL(request.url).searchParams);
  const release = await takeScanSlot(redis, keys, session.user.username);
  try {
    return json(await searchTickets(redis, keys, query));
  } finally {
    await release();
  }
});
