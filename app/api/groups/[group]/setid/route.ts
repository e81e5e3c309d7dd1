import { getGroup, setGroupId } from "@/lib/groups";
import { parseWith, setIdSchema } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** XGROUP SETID: moves the group's last-delivered id to an id or a point in time. */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const { start } = parseWith(setIdSchema, await readJson(request));
  await setGroupId(redis, keys, session.user.username, group, start);
  groupsChanged();
  // Redis's own id, not the request's "$", "0" or time, which the page would otherwise show as an id.
  const { lastDeliveredId } = await getGroup(redis, keys, group);
  return json({ lastDeliveredId });
});
