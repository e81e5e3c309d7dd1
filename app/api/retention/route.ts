import { retentionStatus } from "@/lib/retention";
import { json } from "@/server/http";
import { route } from "@/server/routes";

export const dynamic = "force-dynamic";

/** The retention policy, the stream's size, and the consumer groups the next trim would cost entries. */
export const GET = route("staff", async (_request, { redis, keys, config }) => json(await retentionStatus(redis, keys, config.retention)));
