import { pendingPage } from "@/lib/groups";
import { parseWith, pendingQuerySchema } from "@/lib/validations/group";
import { json } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** A page of the pending list: `?consumer=&minIdleMs=&count=&after=`. */
export const GET = route<{ group: string }>("staff", async (request, { redis, keys, config }, params) => {
  const group = nameParam(params.group, "Group name");
  const query = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const page = await pendingPage(redis, keys, group, parseWith(pendingQuerySchema, query));
  return json({ ...page, deadLetterDeliveries: config.groups.deadLetterDeliveries });
});
