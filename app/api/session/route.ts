import { limitedPasswordCheck } from "@/lib/rate-limit";
import { createSession, endSession, signSessionId } from "@/lib/sessions";
import { verifyPassword } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { signInSchema } from "@/lib/validations/staff";
import { clearedSessionCookie, isHttps, sessionCookie } from "@/server/request/auth";
import { json } from "@/server/request/reply";
import { readJson } from "@/server/request/body";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Who is signed in. */
export const GET = route("staff", async (_request, { session }) => json({ user: session.user }), { beforePasswordChange: true });

/**
 * Signs in: 204 and a session cookie, 401 on bad credentials, 429 after too many failures from the
 * address, 503 when too many passwords are being checked at once.
 */
export const POST = route("public", async (request, { redis, keys, config, secret }) => {
  const { username, password } = parseWith(signInSchema, await readJson(request));
  const address = request.headers.get("x-streamdesk-remote-address") ?? "unknown";
  const user = await limitedPasswordCheck(redis, keys, { username, address, kind: "sign-in" }, (queue) =>
    verifyPassword(redis, keys, username, password, { queue }),
  );
  if (!user) {
    return json({ error: "Wrong username or password, or the account is disabled. Check them and try again." }, 401);
  }
  const id = await createSession(redis, keys, user.username, config.sessionIdleSeconds, user.sessionEpoch);
  const secure = isHttps(request.url, request.headers.get("x-forwarded-proto"));
  return new Response(null, {
    status: 204,
    headers: {
      // As long as the session can live; the server ends it sooner when it is left idle.
      "set-cookie": sessionCookie(signSessionId(id, secret), config.sessionMaxSeconds, secure),
      "cache-control": "no-store",
      ...(user.mustChangePassword ? { "x-streamdesk-must-change-password": "1" } : {}),
    },
  });
});

/** Signs out: ends the session on the server, not only in the browser, and closes its sockets everywhere. */
export const DELETE = route("public", async (request, { redis, keys, session, endSessions }) => {
  if (session) {
    await endSession(redis, keys, session.id);
    await endSessions({ sessionId: session.id });
  }
  const secure = isHttps(request.url, request.headers.get("x-forwarded-proto"));
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(secure), "cache-control": "no-store" } });
});
