import { ForbiddenError, StaffMissingError, ValidationError } from "@/lib/errors";
import { limitedPasswordCheck } from "@/lib/rate-limit";
import { getStaff, setDisabled, setPassword, verifyPassword } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { staffUpdateSchema } from "@/lib/validations/staff";
import { json, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * Resets a password (`{password}`) and/or disables or re-enables an account (`{disabled}`). Either ends
 * the person's sessions and closes their sockets on every instance. A supervisor resetting their own
 * password must also send `currentPassword`, checked like a sign-in: a stolen session must not be enough
 * to take the account over.
 */
export const PATCH = route<{ username: string }>("supervisor", async (request, { redis, keys, session, endSessions }, { username }) => {
  if (!username || username.length > 100) throw new ValidationError("Name a staff account.");
  const update = parseWith(staffUpdateSchema, await readJson(request));
  const actor = session.user.username;
  const own = actor === username;
  if (update.password !== undefined) {
    if (own) {
      const currentPassword = update.currentPassword;
      if (!currentPassword) {
        throw new ValidationError("To change your own password, also type your current one (currentPassword).", "currentPassword");
      }
      const address = request.headers.get("x-streamdesk-remote-address") ?? "unknown";
      const verified = await limitedPasswordCheck(redis, keys, { username, address, kind: "password" }, (queue) =>
        verifyPassword(redis, keys, username, currentPassword, { queue }),
      );
      if (!verified) throw new ForbiddenError("The current password is wrong. Type the password you signed in with.");
    }
    await setPassword(redis, keys, actor, username, update.password, !own, undefined, own ? session.id : undefined);
    await endSessions(own ? { username, except: session.id } : { username });
  }
  if (update.disabled !== undefined) {
    await setDisabled(redis, keys, actor, username, update.disabled);
    if (update.disabled) await endSessions({ username });
  }
  const member = await getStaff(redis, keys, username);
  if (!member) throw new StaffMissingError(username);
  return json(member);
});
