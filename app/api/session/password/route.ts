import { ForbiddenError } from "@/lib/errors";
import { limitedPasswordCheck } from "@/lib/rate-limit";
import { setPassword, verifyPassword } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { changePasswordSchema } from "@/lib/validations/staff";
import { noContent, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * Changes the signed-in person's own password; the one thing allowed before a forced change. The current
 * password is checked under the sign-in limits (a wrong one counts as a failed attempt), and every other
 * session of the person ends, with its sockets on every instance: this one stays signed in.
 */
export const POST = route(
  "staff",
  async (request, { redis, keys, session, endSessions }) => {
    const { currentPassword, newPassword } = parseWith(changePasswordSchema, await readJson(request));
    const username = session.user.username;
    const address = request.headers.get("x-streamdesk-remote-address") ?? "unknown";
    const verified = await limitedPasswordCheck(redis, keys, { username, address, kind: "password" }, (queue) =>
      verifyPassword(redis, keys, username, currentPassword, { queue }),
    );
    if (!verified) throw new ForbiddenError("The current password is wrong. Type the password you signed in with.");
    if (currentPassword === newPassword) throw new ForbiddenError("Choose a new password that differs from the current one.");
    await setPassword(redis, keys, username, username, newPassword, false, undefined, session.id);
    await endSessions({ username, except: session.id });
    return noContent();
  },
  { beforePasswordChange: true },
);
