import { ack } from "@/lib/groups";
import { ackSchema, parseWith } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** XACK: acking an id twice is harmless; `acked` counts the ones that were still pending. */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const { ids } = parseWith(ackSchema, await readJson(request));
  const acked = await ack(redis, keys, session.user.username, group, ids);
  groupsChanged();
  return json({ acked });
});
