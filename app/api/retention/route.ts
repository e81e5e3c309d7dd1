import type { Config } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { retentionStatus } from "@/lib/retention";
import { sharedFor } from "@/lib/shared-result";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Every tab polls this every 15 s; it may read thousands of entries, so one answer serves them all for a few seconds. */
const SHARED_MS = 5000;
const status = sharedFor(SHARED_MS, ({ redis, keys, config }: { redis: RedisClient; keys: StreamKeys; config: Config }) =>
  retentionStatus(redis, keys, config.retention),
);

/** The retention policy, the stream's size, and the consumer groups the next trim would cost entries. */
export const GET = route("staff", async (_request, { redis, keys, config }) =>
  json(await status({ redis, keys, config }, `${keys.stream} ${JSON.stringify(config.retention)}`)),
);
