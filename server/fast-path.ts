import type { IncomingMessage, ServerResponse } from "node:http";
import { isHttpsRequest } from "./request/auth";
import { log } from "./log";
import { history, sell } from "./request/tickets";
import { type Reply } from "./request/reply";
import { readNodeJson } from "./request/body";
import { runEndpoint, type ApiRequest, type Endpoint } from "./request/route";

/**
 * The API routes the custom server answers itself instead of handing them to Next.js: Next's request
 * handling (routing, a fetch Request and Response per request, its tracing) cost more CPU than the sale
 * itself (see bench/README.md). Each runs the very endpoint its app/api route file exports.
 */
const FAST: Record<string, Partial<Record<string, Endpoint>>> = {
  "/api/tickets": { POST: sell, GET: history },
};

/**
 * Serves `req` when it is one of the {@link FAST} routes and returns true; false leaves it to Next.js.
 * The caller has already set the request id and security headers, and logs and measures on `finish`.
 */
export function serveFast(req: IncomingMessage, res: ServerResponse, path: string, query: string, requestId: string): boolean {
  const target = FAST[path]?.[req.method ?? "GET"];
  if (!target) return false;
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === "string" ? value : null;
  };
  const caller = {
    method: req.method!,
    origin: header("origin"),
    host: header("host"),
    cookie: header("cookie"),
    secure: isHttpsRequest(req),
  };
  const request: ApiRequest = { method: req.method!, query: new URLSearchParams(query), json: (maxBytes) => readNodeJson(req, maxBytes) };
  runEndpoint(target, caller, request, requestId)
    .then((answer) => write(res, answer))
    .catch((error: unknown) => {
      log.forRequest(requestId).error("writing the answer failed", { error });
      res.destroy();
    });
  return true;
}

function write(res: ServerResponse, { status, body, headers }: Reply): void {
  // The client may have gone; a response to nobody is simply dropped.
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "cache-control": "no-store",
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
