import { deleteConsumer } from "@/lib/groups";
import { json } from "@/server/request/reply";
import { nameParam, route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** XGROUP DELCONSUMER; answers how many pending messages the consumer still owned. */
export const DELETE = route<{ group: string; consumer: string }>(
  "supervisor",
  async (_request, { redis, keys, groupsChanged, session }, params) => {
    const pending = await deleteConsumer(
      redis,
      keys,
      session.user.username,
      nameParam(params.group, "Group name"),
      nameParam(params.consumer, "Consumer"),
    );
    groupsChanged();
    return json({ pending });
  },
);
