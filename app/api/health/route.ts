import { json } from "@/server/http";
import { getContext } from "@/server/context";

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
