import { createGroup, listGroups } from "@/lib/groups";
import { createGroupSchema, parseWith } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

export const GET = route("staff", async (_request, { redis, keys }) => json({ groups: await listGroups(redis, keys) }));

export const POST = route("supervisor", async (request, { redis, keys, groupsChanged, session }) => {
  const { name, start } = parseWith(createGroupSchema, await readJson(request));
  await createGroup(redis, keys, session.user.username, name, start);
  groupsChanged();
  return json({ name, start }, 201);
});
