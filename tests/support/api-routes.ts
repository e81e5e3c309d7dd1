import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const API_DIR = fileURLToPath(new URL("../../app/api", import.meta.url));

/** The methods Next.js calls on a route module; anything else it exports is not a handler. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export type RouteHandler = (request: Request, extra: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ApiRoute {
  /** The pattern as Next.js serves it, `[param]` segments kept: `/api/groups/[group]/ack`. */
  pattern: string;
  /** The pattern with each `[param]` replaced by a sample value. */
  path: string;
  params: Record<string, string>;
  file: string;
}

/** Values that parse for the params the app has; a param not listed gets "1", which any new one must survive until it is refused. */
const SAMPLES: Record<string, string> = {
  group: "g",
  consumer: "c",
  username: "ann",
  id: "1700000000000-0",
  movieId: "1",
  sessionId: "1",
  hallId: "1",
};

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return /^route\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every route under app/api, read from the folder itself, so a route added tomorrow is in the list. */
export function apiRoutes(): ApiRoute[] {
  return routeFiles(API_DIR)
    .map((file) => {
      const segments = relative(API_DIR, file).split(sep).slice(0, -1);
      const params: Record<string, string> = {};
      const path = segments
        .filter((segment) => !/^\(.*\)$/.test(segment))
        .map((segment) => {
          // [id], [...slug] and [[...slug]] alike; (group) folders are not part of the URL.
          const param = /^\[{1,2}(?:\.\.\.)?(\w+)\]{1,2}$/.exec(segment)?.[1];
          if (param === undefined) return segment;
          params[param] = SAMPLES[param] ?? "1";
          return encodeURIComponent(params[param]);
        });
      return { pattern: ["/api", ...segments].join("/"), path: ["/api", ...path].join("/"), params, file };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The handlers a route module exports, by method. */
export async function routeHandlers(route: ApiRoute): Promise<[method: string, handler: RouteHandler][]> {
  const exported = (await import(route.file)) as Record<string, unknown>;
  return HTTP_METHODS.filter((method) => typeof exported[method] === "function").map((method) => [
    method,
    exported[method] as RouteHandler,
  ]);
}
