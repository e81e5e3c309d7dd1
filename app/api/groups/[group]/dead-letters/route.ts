import { moveDeadLetters } from "@/lib/groups";
import { deadLetterSchema, parseWith } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Moves messages delivered at least N times to the dead-letter stream and acks them. */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, config, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const body = parseWith(deadLetterSchema, await readJson(request));
  const minDeliveries = body.minDeliveries ?? config.groups.deadLetterDeliveries;
  const moved = await moveDeadLetters(redis, keys, session.user.username, group, minDeliveries, body.ids);
  groupsChanged();
  return json({ moved: moved.length, ids: moved, stream: keys.dead });
});
