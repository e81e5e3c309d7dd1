import { readTicketFile } from "@/lib/ticket-files";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The printed ticket of one sale as PDF, once the tickets worker has written it (404 until then). */
export const GET = route<{ id: string }>("staff", async (_request, { config }, { id }) => {
  const pdf = await readTicketFile(config.workers.outDir, id, "pdf");
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="ticket-${id}.pdf"`,
      "cache-control": "private, max-age=3600",
    },
  });
});
