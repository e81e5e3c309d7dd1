import { describe, expect, it } from "vitest";
import * as groups from "@/app/api/groups/route";
import * as group from "@/app/api/groups/[group]/route";
import * as read from "@/app/api/groups/[group]/read/route";
import * as pending from "@/app/api/groups/[group]/pending/route";
import * as ackRoute from "@/app/api/groups/[group]/ack/route";
import * as claimRoute from "@/app/api/groups/[group]/claim/route";
import * as autoclaim from "@/app/api/groups/[group]/autoclaim/route";
import * as dead from "@/app/api/groups/[group]/dead-letters/route";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

let cookie = "";

async function withApp() {
  const fixture = await redisFixture();
  let changes = 0;
  withContext(fixture.redis, fixture.keys, { groupsChanged: () => void changes++ });
  cookie = await signedIn(fixture.redis, fixture.keys, "sam", "supervisor");
  return { ...fixture, changes: () => changes };
}

const body = (value: unknown) => request("/", { body: value, cookie });
const get = (url: string) => request(url, { cookie });
const on = (name: string) => ({ params: Promise.resolve({ group: name }) });
const none = { params: Promise.resolve({}) };

describe("groups API", () => {
  it("creates (201), refuses a duplicate (409) and bad input (400), deletes (204) and 404s", async () => {
    const { changes } = await withApp();
    expect((await groups.POST(body({ name: "printing", start: "$" }), none)).status).toBe(201);
    const dup = await groups.POST(body({ name: "printing", start: "0" }), none);
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: expect.stringMatching(/already exists/) });
    const bad = await groups.POST(body({ name: "printing", start: "soon" }), none);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "start", error: expect.stringMatching(/Start from/) });
    const list = (await (await groups.GET(get("/"), none)).json()) as { groups: { name: string }[] };
    expect(list.groups.map((g) => g.name)).toEqual(["printing"]);
    expect((await group.DELETE(request("/", { method: "DELETE", cookie }), on("printing"))).status).toBe(204);
    const gone = await group.DELETE(request("/", { method: "DELETE", cookie }), on("printing"));
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: expect.stringMatching(/no consumer group "printing"/) });
    expect(changes()).toBe(2);
  });

  it("reads, pages, acks and claims through the routes; refuses bad counts and ids", async () => {
    const { redis, keys } = await withApp();
    await groups.POST(body({ name: "g", start: "$" }), none);
    const id = await redis.xadd(keys.stream, "*", "name", "Jim Crews", "seat", "B12", "movieId", "53", "sessionId", "832");
    const delivered = (await (await read.POST(body({ consumer: "consumer-1", count: 5 }), on("g"))).json()) as {
      entries: { id: string }[];
    };
    expect(delivered.entries.map((e) => e.id)).toEqual([id]);
    expect((await read.POST(body({ consumer: "c", count: -1 }), on("g"))).status).toBe(400);
    expect((await read.POST(body({ consumer: "c", count: 1 }), on("missing"))).status).toBe(404);

    const page = (await (await pending.GET(get("/?count=10"), on("g"))).json()) as { pending: { id: string; consumer: string }[] };
    expect(page.pending).toEqual([
      expect.objectContaining({ id, consumer: "consumer-1", deliveries: 1, fields: expect.objectContaining({ name: "Jim Crews" }) }),
    ]);
    expect((await pending.GET(get("/?minIdleMs=abc"), on("g"))).status).toBe(400);

    const notIdle = (await (await claimRoute.POST(body({ consumer: "c2", minIdleMs: 3_600_000, ids: [id] }), on("g"))).json()) as {
      claimed: string[];
    };
    expect(notIdle.claimed).toEqual([]);
    expect((await claimRoute.POST(body({ consumer: "c2", minIdleMs: 0, ids: ["nope"] }), on("g"))).status).toBe(400);
    const step = (await (await autoclaim.POST(body({ consumer: "c2", minIdleMs: 0 }), on("g"))).json()) as {
      cursor: string;
      claimed: number;
    };
    expect(step).toEqual({ cursor: "0-0", claimed: 1, deleted: 0 });

    const acked = await ackRoute.POST(body({ ids: [id] }), on("g"));
    expect(await acked.json()).toEqual({ acked: 1 });
    expect(await (await ackRoute.POST(body({ ids: [id] }), on("g"))).json()).toEqual({ acked: 0 });
    expect((await ackRoute.POST(body({ ids: [] }), on("g"))).status).toBe(400);
    expect(await (await dead.POST(body({}), on("g"))).json()).toMatchObject({ moved: 0 });
  });
});
