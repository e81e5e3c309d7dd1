import { readAsConsumer } from "@/lib/groups";
import { parseWith, readSchema } from "@/lib/validations/group";
import { json, readJson } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** XREADGROUP GROUP g c COUNT n STREAMS <stream> > */
export const POST = route<{ group: string }>("supervisor", async (request, { redis, keys, groupsChanged, session }, params) => {
  const group = nameParam(params.group, "Group name");
  const { consumer, count } = parseWith(readSchema, await readJson(request));
  const entries = await readAsConsumer(redis, keys, session.user.username, group, consumer, count);
  groupsChanged();
  return json({ entries });
});
