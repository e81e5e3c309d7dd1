import { json } from "@/server/request/reply";
import { getContext } from "@/server/request/context";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { redis } = getContext();
  try {
    await redis.ping();
    return json({ status: "ok", redis: "ok" });
  } catch {
    return json({ status: "unavailable", redis: "unreachable", error: "Redis is not reachable." }, 503);
  }
}
