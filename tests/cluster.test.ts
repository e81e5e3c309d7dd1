import { describe, expect, it, onTestFinished } from "vitest";
import * as health from "@/app/api/health/route";
import * as tickets from "@/app/api/tickets/route";
import * as groups from "@/app/api/groups/route";
import * as read from "@/app/api/groups/[group]/read/route";
import * as pending from "@/app/api/groups/[group]/pending/route";
import * as ackRoute from "@/app/api/groups/[group]/ack/route";
import * as claimRoute from "@/app/api/groups/[group]/claim/route";
import * as autoclaim from "@/app/api/groups/[group]/autoclaim/route";
import type { Cluster } from "ioredis";
import type { GroupInfo } from "@/lib/groups";
import type { TicketEntry } from "@/lib/entries";
import { openSocket, startTestApp } from "./support/app";
import { startRedisCluster } from "./support/redis-cluster";
import { serveRoutes } from "./support/routes";
import { request, signedIn, withContext } from "./support/session";
import { until } from "./support/writer";

const none = { params: Promise.resolve({}) };
const on = (group: string) => ({ params: Promise.resolve({ group }) });

describe("Redis Cluster (three masters)", () => {
  it("sells, feeds tabs, and reads, acks and claims through groups, with every key in the stream's slot", { timeout: 60_000 }, async () => {
    const cluster = await startRedisCluster();
    onTestFinished(() => cluster.dispose());
    const { redis, keys, url, cookie } = await startTestApp(
      { mode: "cluster", nodes: cluster.nodes },
      { handler: serveRoutes({ "/api/tickets": tickets }) },
    );
    withContext(redis, keys);
    expect(await (await health.GET()).json()).toEqual({ status: "ok", redis: "ok" });

    const entries: TicketEntry[] = [];
    let snapshot: GroupInfo[] = [];
    const tab = openSocket(url, cookie);
    tab.on("feed:entries", (batch) => entries.push(...batch));
    const marked: string[] = [];
    tab.on("feed:marks", ({ doubleBooked }) => marked.push(...doubleBooked));
    tab.on("groups:update", (update) => (snapshot = update.groups));
    await until(() => tab.connected, 10_000, "the tab to connect");
    const live = await new Promise((resolve) => tab.emit("feed:resume", { afterId: "0-0" }, resolve));
    expect(live).toEqual({ upTo: expect.any(String) });

    // A sale through the HTTP API, a refusal of the same seat, and a plain XADD from another program.
    const post = (seat: string) =>
      fetch(`${url}/api/tickets`, {
        method: "POST",
        headers: { cookie, origin: url, "content-type": "application/json" },
        body: JSON.stringify({ name: "Beth Harmon", seat, movieId: 53, sessionId: 832 }),
      });
    const sold = await post("B11");
    expect(sold.status).toBe(201);
    const { id: saleId } = (await sold.json()) as { id: string };
    expect((await post("B11")).status).toBe(409);
    const plainId = (await redis.xadd(keys.stream, "*", "name", "Jim Crews", "seat", "B11", "movieId", "53", "sessionId", "832"))!;
    await until(() => entries.length === 2, 10_000, "both entries to reach the tab");
    expect(entries.map((entry) => entry.id)).toEqual([saleId, plainId]);
    // Live entries go out before they are indexed: the double booking follows as a mark.
    await until(() => marked.length > 0, 10_000, "the double booking to be marked");
    expect(marked).toEqual([plainId]);

    // The console's group flows, as a supervisor, against the cluster.
    const boss = await signedIn(redis, keys, "sam", "supervisor");
    const body = (value: unknown) => request("/", { body: value, cookie: boss });
    expect((await groups.POST(body({ name: "printing", start: "0" }), none)).status).toBe(201);
    const delivered = (await (await read.POST(body({ consumer: "printer-1", count: 10 }), on("printing"))).json()) as {
      entries: { id: string }[];
    };
    expect(delivered.entries.map((entry) => entry.id)).toEqual([saleId, plainId]);
    const page = (await (await pending.GET(request("/?count=10", { cookie: boss }), on("printing"))).json()) as {
      pending: { id: string; consumer: string }[];
    };
    expect(page.pending.map((message) => [message.id, message.consumer])).toEqual([
      [saleId, "printer-1"],
      [plainId, "printer-1"],
    ]);
    expect(await (await ackRoute.POST(body({ ids: [saleId] }), on("printing"))).json()).toEqual({ acked: 1 });
    expect(await (await claimRoute.POST(body({ consumer: "printer-2", minIdleMs: 0, ids: [plainId] }), on("printing"))).json()).toEqual({
      claimed: [plainId],
    });
    expect(await (await autoclaim.POST(body({ consumer: "printer-3", minIdleMs: 0 }), on("printing"))).json()).toEqual({
      cursor: "0-0",
      claimed: 1,
      deleted: 0,
    });
    await until(
      () =>
        snapshot.some(
          (group) =>
            group.name === "printing" && group.pending === 1 && group.consumers.some((c) => c.name === "printer-3" && c.pending === 1),
        ),
      10_000,
      "the groups view to show the claim",
    );

    // History pages come from the cluster too.
    const history = (await (await tickets.GET(request("/?count=10", { cookie }), none)).json()) as { entries: { id: string }[] };
    expect(history.entries.map((entry) => entry.id)).toEqual([plainId, saleId]);

    // Stream, seats, sessions, staff and audit all hash to the stream's slot, so each script touches one node.
    const tag = keys.stream.replace(/^test:/, "");
    const mine: string[] = [];
    for (const node of (redis as Cluster).nodes("master")) mine.push(...(await node.keys(`*${tag}*`)));
    expect(mine).toEqual(expect.arrayContaining([keys.stream, keys.seats("53", "832"), keys.audit, keys.staffIndex]));
    const slots = new Set(await Promise.all(mine.map((key) => redis.call("CLUSTER", "KEYSLOT", key))));
    expect([...slots]).toEqual([await redis.call("CLUSTER", "KEYSLOT", keys.stream)]);
  });
});
