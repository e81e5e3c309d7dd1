import type { IncomingMessage, ServerResponse } from "node:http";

/** A route without dynamic segments, as an app/api route.ts module exports it. */
type Handler = (request: Request, extra: { params: Promise<Record<string, never>> }) => Promise<Response>;

/**
 * Serves a few Next.js route handlers from the test app's plain HTTP server, the way Next would: the
 * Node request becomes a fetch Request (headers the server added included) and the Response is written back.
 */
export function serveRoutes(routes: Record<string, Partial<Record<"GET" | "POST" | "DELETE", Handler>>>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0]!;
    const handler = routes[path]?.[(req.method ?? "GET") as "GET" | "POST" | "DELETE"];
    if (!handler) return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, { method: req.method, headers, body });
      handler(request, { params: Promise.resolve({}) }).then(
        async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        },
        () => void res.writeHead(500).end(),
      );
    });
  };
}
