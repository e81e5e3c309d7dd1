import { describe, expect, it } from "vitest";
import * as retentionRoute from "@/app/api/retention/route";
import * as screeningsRoute from "@/app/api/screenings/route";
import * as statsRoute from "@/app/api/stats/sales/route";
import * as exportRoute from "@/app/api/tickets/export.csv/route";
import * as refundRoute from "@/app/api/tickets/[id]/refund/route";
import * as searchRoute from "@/app/api/tickets/search/route";
import { createRedisClient } from "@/lib/redis";
import { redisFixture } from "./support/context";
import { freePort } from "@/harness/ports";
import { request, signedIn, withContext } from "./support/session";

describe("the insight routes when Redis is unreachable", () => {
  it("answer 503 with a sentence, never a stack trace", async () => {
    const { redis, keys } = await redisFixture();
    const cookie = await signedIn(redis, keys, "sam", "supervisor");
    const dead = createRedisClient({ mode: "single", url: `redis://127.0.0.1:${await freePort()}` }, { name: "test:dead" });
    withContext(dead, keys);
    try {
      const none = { params: Promise.resolve({}) };
      const responses = [
        await searchRoute.GET(request("/api/tickets/search?name=x", { cookie }), none),
        await exportRoute.GET(request("/api/tickets/export.csv", { cookie }), none),
        await screeningsRoute.GET(request("/api/screenings", { cookie }), none),
        await statsRoute.GET(request("/api/stats/sales", { cookie }), none),
        await retentionRoute.GET(request("/api/retention", { cookie }), none),
        await refundRoute.POST(request("/api/tickets/1-0/refund", { method: "POST", cookie }), { params: Promise.resolve({ id: "1-0" }) }),
      ];
      for (const response of responses) {
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({ error: expect.stringMatching(/^Redis is not reachable right now/) });
      }
      expect(
        await (
          await refundRoute.POST(request("/api/tickets/1-0/refund", { method: "POST", cookie }), { params: Promise.resolve({ id: "1-0" }) })
        ).json(),
      ).toEqual({
        error: expect.stringMatching(/nothing was refunded/),
      });
    } finally {
      dead.disconnect();
    }
  });
});
