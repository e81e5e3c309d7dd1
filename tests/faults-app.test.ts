import { describe, expect, inject, it } from "vitest";
import type { RedisClient } from "@/lib/redis";
import { slowSale } from "@/harness/slow-sale";
import { startChildApp } from "./support/child-app";
import { startEntryPoint } from "./support/entry-point";
import { redisFixture } from "./support/context";
import { signedIn } from "./support/session";
import { BROWSER_RECONNECTION, compareFeed, openTab, streamIds } from "./support/tab";
import { startWriter, until } from "./support/writer";

/** How late a timer may fire on two loaded cores. */
const TIMER_SLACK_MS = 1000;

type Outcome = { name: string; status: number; id?: string; error?: string } | { name: string; status: "network"; error: string };

/**
 * Sellers posting to `POST /api/tickets` over HTTP, `loops` requests in flight at any time, each for a
 * seat nobody else sells. `url()` is read per request, so they carry on against a restarted instance.
 */
function startSelling(url: () => string, cookie: string, loops: number) {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<string>();
  let n = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const i = n++;
      const sale = { name: `Desk ${i}`, seat: `C${(i % 20) + 1}`, movieId: 61, sessionId: Math.floor(i / 20) + 1 };
      inFlight.add(sale.name);
      try {
        const response = await fetch(`${url()}/api/tickets`, {
          method: "POST",
          headers: { cookie, origin: url(), "content-type": "application/json" },
          body: JSON.stringify(sale),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as { id?: string; error?: string };
        outcomes.push({ name: sale.name, status: response.status, ...body });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
        outcomes.push({ name: sale.name, status: "network", error: cause });
        // Nobody answers at that port yet: a person would not hammer the button either.
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        inFlight.delete(sale.name);
      }
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    outcomes,
    inFlight,
    sold: () => new Map(outcomes.flatMap((o) => (o.status === 201 && "id" in o && o.id ? [[o.name, o.id] as const] : []))),
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function salesInStream(redis: RedisClient, stream: string): Promise<Map<string, string>> {
  const entries = (await redis.xrange(stream, "-", "+")) as [string, string[]][];
  const sales = new Map<string, string>();
  for (const [id, flat] of entries) {
    const fields = Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]!]])));
    if (fields.soldBy === "ann") sales.set(fields.name!, id);
  }
  return sales;
}

describe("an app instance killed with kill -9 and started again on the same port", () => {
  it("lets an open tab reconnect by itself and resume exactly what it missed; every sale in flight completed or clearly failed", async () => {
    const { redis, keys } = await redisFixture(inject("redisUrl"));
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const first = await startChildApp({ redisUrl: inject("redisUrl"), stream: keys.stream, port: 0 });
    const port = first.port;
    const url = first.url;
    // The desk's own reconnection settings: 500 ms doubling to 5 s, ±50 % jitter.
    const tab = openTab(url, cookie, "0-0");
    await until(() => tab.resumed === 1, 5000, "the tab to go live");
    const attempts: number[] = [];
    tab.socket.io.on("reconnect_attempt", () => attempts.push(Date.now()));

    const writer = startWriter(redis, keys.stream, { perTick: 5 });
    const desk = startSelling(() => url, cookie, 4);
    await until(() => tab.ids.length > 300 && desk.sold().size >= 20, 10_000, "entries and sales before the kill");
    const inFlightAtKill = new Set(desk.inFlight);
    await first.kill();
    await until(() => !tab.socket.connected, 5000, "the tab to notice");
    const missedFrom = tab.ids.length;
    await new Promise((resolve) => setTimeout(resolve, 500));

    const second = await startChildApp({ redisUrl: inject("redisUrl"), stream: keys.stream, port });
    const restartedAt = Date.now();
    // Nobody tells the tab: Socket.IO's backoff brings it back, and feed:resume fills the gap.
    await until(() => tab.resumed === 2, 15_000 + BROWSER_RECONNECTION.reconnectionDelayMax, "the tab to reconnect and resume by itself");
    // The backoff never waits longer than reconnectionDelayMax (jitter included), so the attempt that got
    // through began within that of the restart, give or take late timers on busy cores; the handshake and
    // the resume after it take what they take.
    const attempt = attempts.at(-1)!;
    expect(attempt - restartedAt).toBeLessThan(BROWSER_RECONNECTION.reconnectionDelayMax + TIMER_SLACK_MS);
    const soldBeforeRestart = desk.sold().size;
    await until(() => desk.sold().size >= soldBeforeRestart + 20, 10_000, "sales through the new instance");
    const written = writer.written;
    await until(() => writer.written > written + 300, 10_000, "entries after the restart");
    await writer.stop();
    await desk.stop();

    const all = await streamIds(redis, keys.stream);
    await until(() => tab.ids.length >= all.length, 10_000, "the tab to hold the whole stream");
    expect(compareFeed(tab.ids, all)).toEqual({ duplicated: [], missing: [] });
    expect(tab.ids).toEqual(all);
    expect(tab.ids.length - missedFrom).toBeGreaterThan(300);

    // Every 201 is in the stream (and so in the feed); every other answer is a clear failure.
    const sold = desk.sold();
    const inStream = await salesInStream(redis, keys.stream);
    for (const [name, id] of sold) expect(inStream.get(name), `${name} answered 201 ${id}`).toBe(id);
    const failed = desk.outcomes.filter((o) => o.status !== 201);
    expect(failed.length).toBeGreaterThan(0);
    for (const failure of failed) {
      if (failure.status === "network") expect(failure.error).toMatch(/ECONNREFUSED|ECONNRESET|other side closed|socket hang up/);
      else expect(failure).toMatchObject({ status: 503, error: expect.stringMatching(/nothing was sold/) });
    }
    // A sale in the stream without a 201 was on its way when the instance died; it shows in the feed too.
    const unanswered = [...inStream.keys()].filter((name) => !sold.has(name));
    expect(unanswered.filter((name) => !inFlightAtKill.has(name))).toEqual([]);
    for (const name of unanswered) expect(tab.ids).toContain(inStream.get(name));
    await second.kill();
  });
});

describe("SIGTERM to server/index.ts", () => {
  it("finishes the requests in flight, closes the live sockets itself and exits 0 within 5 s", { timeout: 120_000 }, async () => {
    const { redis, keys } = await redisFixture(inject("redisUrl"));
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const app = await startEntryPoint(inject("redisUrl"), keys.stream);
    // The route's first request compiles it (development mode); a sale now keeps that out of the timing.
    const warm = await fetch(`${app.url}/api/tickets`, {
      method: "POST",
      headers: { cookie, origin: app.url, "content-type": "application/json" },
      body: JSON.stringify({ name: "Warm", seat: "E9", movieId: 62, sessionId: 1 }),
    });
    expect(warm.status, app.output()).toBe(201);
    const tab = openTab(app.url, cookie, "0-0", { reconnectionDelay: 60_000 });
    await until(() => tab.resumed === 1, 30_000, "the tab to go live");
    let disconnected: string | undefined;
    tab.socket.on("disconnect", (reason) => (disconnected = reason));

    // Three sales the server is in the middle of reading, and twenty more fired at once just before SIGTERM.
    const slow = [1, 2, 3].map((i) => slowSale(app.url, cookie, { name: `Slow ${i}`, seat: `E${i}`, movieId: 62, sessionId: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const burst = Array.from({ length: 20 }, (_, i) =>
      fetch(`${app.url}/api/tickets`, {
        method: "POST",
        headers: { cookie, origin: app.url, "content-type": "application/json" },
        body: JSON.stringify({ name: `Late ${i}`, seat: `D${i + 1}`, movieId: 62, sessionId: 1 }),
      }).then(
        async (response) => ({
          name: `Late ${i}`,
          status: response.status,
          id: ((await response.json()) as { id?: string }).id,
          error: "",
        }),
        (error: unknown) => ({ name: `Late ${i}`, status: 0, id: undefined, error: String((error as Error).cause ?? error) }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = app.terminate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const sale of slow) sale.finish();
    const stopped = await stopping;

    expect(stopped, app.output()).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(5000);
    // Its own shutdown ran to the end, not the forced exit.
    expect(app.output()).toMatch(/"msg":"SIGTERM: shutting down"/);
    expect(app.output()).toMatch(/"msg":"stopped in \d+ ms"/);
    // "io server disconnect" is the server closing the socket; a process that just died gives "transport close".
    expect(disconnected).toBe("io server disconnect");
    const inStream = await salesInStream(redis, keys.stream);
    // The requests in flight were finished, not cut off.
    for (const [i, sale] of slow.entries()) {
      const answer = await sale.answer;
      expect(answer.status).toBe(201);
      expect(inStream.get(`Slow ${i + 1}`)).toBe(answer.body.id);
    }
    // Each of the burst was either answered, or turned away at the door (its connection was still in the
    // listen backlog when the listener closed, so the kernel reset it): then nothing was sold.
    for (const answer of await Promise.all(burst)) {
      if (answer.status === 201) expect(inStream.get(answer.name)).toBe(answer.id);
      else {
        expect(answer.error).toMatch(/ECONNREFUSED|ECONNRESET/);
        expect(inStream.has(answer.name)).toBe(false);
      }
    }
  });
});
