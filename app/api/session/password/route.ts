import { setPassword, verifyPassword } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { changePasswordSchema } from "@/lib/validations/staff";
import { ForbiddenError } from "@/server/auth";
import { noContent, readJson } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** Changes the signed-in person's own password; the one thing allowed before a forced change. */
export const POST = route(
  "staff",
  async (request, { redis, keys, session }) => {
    const { currentPassword, newPassword } = parseWith(changePasswordSchema, await readJson(request));
    const username = session.user.username;
    if (!(await verifyPassword(redis, keys, username, currentPassword))) {
      throw new ForbiddenError("The current password is wrong. Type the password you signed in with.");
    }
    if (currentPassword === newPassword) throw new ForbiddenError("Choose a new password that differs from the current one.");
    await setPassword(redis, keys, username, username, newPassword, false);
    return noContent();
  },
  { beforePasswordChange: true },
);
