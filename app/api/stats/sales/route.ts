import { readSalesStats } from "@/lib/stats";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Sales and refunds per minute (last 60) and per hour (last 24), oldest first. */
export const GET = route("staff", async (_request, { redis, keys }) => json(await readSalesStats(redis, keys)));
