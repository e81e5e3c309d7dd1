import { autoclaimStep } from "@/lib/groups";
import { autoclaimSchema, parseWith } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * One XAUTOCLAIM step. The browser calls again with the returned cursor until it is `0-0`, which keeps
 * each request short, lets it show progress, and makes cancelling as simple as not calling again.
 */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const { consumer, minIdleMs, cursor, count } = parseWith(autoclaimSchema, await readJson(request));
  const step = await autoclaimStep(redis, keys, session.user.username, group, consumer, minIdleMs, cursor, count);
  groupsChanged();
  return json(step);
});
