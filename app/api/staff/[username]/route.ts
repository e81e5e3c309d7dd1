import { ValidationError } from "@/lib/errors";
import { getStaff, setDisabled, setPassword, StaffMissingError } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { staffUpdateSchema } from "@/lib/validations/staff";
import { json, readJson } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Resets a password (`{password}`) and/or disables or re-enables an account (`{disabled}`). */
export const PATCH = route<{ username: string }>("supervisor", async (request, { redis, keys, session, endUserSockets }, { username }) => {
  if (!username || username.length > 100) throw new ValidationError("Name a staff account.");
  const update = parseWith(staffUpdateSchema, await readJson(request));
  const actor = session.user.username;
  if (update.password !== undefined) await setPassword(redis, keys, actor, username, update.password, actor !== username);
  if (update.disabled !== undefined) {
    await setDisabled(redis, keys, actor, username, update.disabled);
    if (update.disabled) endUserSockets(username);
  }
  const member = await getStaff(redis, keys, username);
  if (!member) throw new StaffMissingError(username);
  return json(member);
});
