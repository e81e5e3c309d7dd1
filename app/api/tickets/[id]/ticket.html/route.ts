import { readTicketFile } from "@/lib/ticket-files";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The printed ticket of one sale as a page to print, once the tickets worker has written it (404 until then). */
export const GET = route<{ id: string }>("staff", async (_request, { config }, { id }) => {
  const html = await readTicketFile(config.workers.outDir, id, "html");
  return new Response(new Uint8Array(html), {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "private, max-age=3600" },
  });
});
