import type { IncomingMessage, ServerResponse } from "node:http";
import { returnPath } from "@/lib/safe-redirect";
import { isHttpsRequest, sessionFromCookie, type AuthDeps } from "./request/auth";

const OPEN = [/^\/api\//, /^\/_next\//, /^\/socket\.io\//, /^\/login(\/|$)/, /\/[^/]+\.[a-z0-9]+$/i];

/**
 * Sends signed-out visitors of any page to /login (and back afterwards), and people who must change
 * their password to /account/password. Answers for the request and returns false when it did.
 * API routes check sessions themselves and answer 401/403 as JSON.
 */
export async function guardPage(deps: AuthDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = req.url ?? "/";
  const pathname = path.split("?")[0] ?? "/";
  if (req.method !== "GET" && req.method !== "HEAD") return true;
  if (OPEN.some((pattern) => pattern.test(pathname))) return true;
  let session;
  try {
    session = await sessionFromCookie(deps, req.headers.cookie, isHttpsRequest(req));
  } catch {
    res
      .writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "2" })
      .end("StreamDesk cannot reach Redis right now, so it cannot check your sign-in. Reload this page in a moment.\n");
    return false;
  }
  if (!session) {
    res.writeHead(302, { location: `/login?next=${encodeURIComponent(returnPath(path))}`, "cache-control": "no-store" }).end();
    return false;
  }
  if (session.user.mustChangePassword && pathname !== "/account/password") {
    res.writeHead(302, { location: "/account/password", "cache-control": "no-store" }).end();
    return false;
  }
  return true;
}
