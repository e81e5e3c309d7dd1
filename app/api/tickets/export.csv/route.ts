import { csvStream, exportFilename } from "@/lib/csv";
import { parseSearchQuery, resolveBounds } from "@/lib/search";
import { screeningLabel } from "@/lib/validations/program-index";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Every entry matching the search filters as CSV, newest first, streamed page by page, with the programme's names. */
export const GET = route("staff", async (request, { redis, keys, program }) => {
  const query = parseSearchQuery(new URL(request.url).searchParams);
  // Resolved before answering, so an unreachable Redis is a 503, not a broken download.
  const [bounds, { index }] = await Promise.all([resolveBounds(redis, keys, query), program.get()]);
  const describe = (movieId: string | undefined, sessionId: string | undefined) => screeningLabel(index, movieId, sessionId);
  return new Response(csvStream(redis, keys, query.filters, bounds, request.signal, describe), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename()}"`,
      "cache-control": "no-store",
    },
  });
});
