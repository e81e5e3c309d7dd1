import { createStaff, listStaff } from "@/lib/staff";
import { parseWith } from "@/lib/validations/group";
import { newStaffSchema } from "@/lib/validations/staff";
import { json, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

export const GET = route("supervisor", async (_request, { redis, keys }) => json({ staff: await listStaff(redis, keys) }));

/** Adds a person; they choose their own password at first sign-in. */
export const POST = route("supervisor", async (request, { redis, keys, session }) => {
  const account = parseWith(newStaffSchema, await readJson(request));
  const member = await createStaff(redis, keys, session.user.username, { ...account, mustChangePassword: true });
  return json(member, 201);
});
