import { claim } from "@/lib/groups";
import { claimSchema, parseWith } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** XCLAIM: `claimed` lists the ids that were idle long enough and still pending. */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const { consumer, minIdleMs, ids } = parseWith(claimSchema, await readJson(request));
  const claimed = await claim(redis, keys, session.user.username, group, consumer, minIdleMs, ids);
  groupsChanged();
  return json({ claimed });
});
