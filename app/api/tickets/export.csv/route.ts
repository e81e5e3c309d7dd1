import { csvStream, exportFilename } from "@/lib/csv";
import { parseSearchQuery, resolveBounds } from "@/lib/search";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Every entry matching the search filters as CSV, newest first, streamed page by page. */
export const GET = route("staff", async (request, { redis, keys }) => {
  const query = parseSearchQuery(new URL(request.url).searchParams);
  // Resolved before answering, so an unreachable Redis is a 503, not a broken download.
  const bounds = await resolveBounds(redis, keys, query);
  return new Response(csvStream(redis, keys, query.filters, bounds, request.signal), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename()}"`,
      "cache-control": "no-store",
    },
  });
});
