import { csvStream, exportFilename } from "@/lib/csv";
import { parseSearchQuery, resolveBounds } from "@/lib/search";
import { screeningLabel } from "@/lib/validations/program-index";
import { takeScanSlot } from "@/lib/scan-slots";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * Every entry matching the search filters as CSV, newest first, streamed page by page, with the programme's
 * names; at most EXPORT_MAX_ENTRIES entries are scanned (narrow From and To to export older ones).
 */
export const GET = route("staff", async (request, { redis, keys, program, config, session }) => {
  const query = parseSearchQuery(new URL(request.url).searchParams);
  // Held until the download ends or is abandoned: the stream below gives it back.
  const release = await takeScanSlot(redis, keys, session.user.username);
  // Resolved before answering, so an unreachable Redis is a 503, not a broken download.
  const [bounds, { index }] = await Promise.all([resolveBounds(redis, keys, query), program.get()]).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  const describe = (movieId: string | undefined, sessionId: string | undefined) => screeningLabel(index, movieId, sessionId);
  const body = csvStream(redis, keys, query.filters, bounds, {
    signal: request.signal,
    describe,
    maxScanned: config.exportMaxEntries,
    onEnd: release,
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename()}"`,
      "cache-control": "no-store",
    },
  });
});
