import { deleteGroup, getGroup } from "@/lib/groups";
import { json } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

export const GET = route<{ group: string }>("staff", async (_request, { redis, keys }, params) =>
  json({ group: await getGroup(redis, keys, nameParam(params.group, "Group name")) }),
);

export const DELETE = route<{ group: string }>("supervisor", async (_request, { redis, keys, groupsChanged, session }, params) => {
  await deleteGroup(redis, keys, session.user.username, nameParam(params.group, "Group name"));
  groupsChanged();
  return new Response(null, { status: 204 });
});
