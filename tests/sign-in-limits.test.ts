import { PasswordCheckBusyError } from "@/lib/errors";
import { describe, expect, inject, it } from "vitest";
import * as session from "@/app/api/session/route";
import { addressBucket, clientAddressResolver, normalizeAddress } from "@/lib/client-address";
import { loadConfig } from "@/lib/config";
import { HashGate, hashGate } from "@/lib/hash-gate";
import type { StreamKeys } from "@/lib/keys";
import { SIGN_IN_LIMITS, usernameDelayMs } from "@/lib/rate-limit";
import type { RedisClient } from "@/lib/redis";
import { createStaff } from "@/lib/staff";
import { startTestApp } from "./support/app";
import { redisFixture } from "./support/context";
import { withContext } from "./support/session";
import { until } from "./support/writer";

const none = { params: Promise.resolve({}) };

/** POST /api/session as the custom server hands it on: with the client address it worked out. */
const signIn = (username: string, password: string, address: string) =>
  session.POST(
    new Request("http://desk/api/session", {
      method: "POST",
      body: JSON.stringify({ username, password }),
      headers: { "content-type": "application/json", host: "desk", "x-streamdesk-remote-address": address },
    }),
    none,
  );

async function setup() {
  const { redis, keys } = await redisFixture();
  withContext(redis, keys);
  await createStaff(redis, keys, "test", {
    username: "admin",
    password: "admin-password-1",
    role: "supervisor",
    mustChangePassword: false,
  });
  await createStaff(redis, keys, "test", { username: "ann", password: "ann-password-1", role: "seller", mustChangePassword: false });
  return { redis, keys };
}

/** Every sign-in counter key of this test's stream, by SCAN. */
async function counterKeys(redis: RedisClient, keys: StreamKeys): Promise<string[]> {
  const prefix = keys.signinAttempts("user", "").replace(/user:$/, "");
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return found.sort();
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const began = performance.now();
  const result = await work;
  return [result, performance.now() - began];
}

describe("sign-in limits", () => {
  it("never counts a correct password: 40 sign-ins from one address all get in", async () => {
    const { redis, keys } = await setup();
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress + 10; i++) {
      expect((await signIn("ann", "ann-password-1", "10.0.0.1")).status, `sign-in ${i + 1}`).toBe(204);
    }
    // Nothing is left behind that could slow or refuse the next person.
    expect(await redis.get(keys.signinAttempts("ip", "10.0.0.1"))).toBe("0");
    expect(await redis.exists(keys.signinAttempts("user", "ann"))).toBe(0);
  });

  it("makes a username that keeps failing wait 1 s, 2 s… but never refuses it: the right password still gets in", async () => {
    const { redis, keys } = await setup();
    expect([0, 4, 5, 6, 7, 100].map(usernameDelayMs)).toEqual([0, 0, 1000, 2000, 4000, 4000]);
    for (let i = 0; i < SIGN_IN_LIMITS.freeFailures; i++) {
      const [response, ms] = await timed(signIn("ann", `guess-${i}`, `10.1.0.${i}`));
      expect(response.status).toBe(401);
      expect(ms).toBeLessThan(900);
    }
    const [sixth, sixthMs] = await timed(signIn("ann", "guess-5", "10.1.0.5"));
    expect(sixth.status).toBe(401);
    expect(sixthMs).toBeGreaterThanOrEqual(950);
    // Old behaviour: 429 for 15 minutes. Now: a 2 s wait, then in.
    const [right, rightMs] = await timed(signIn("ann", "ann-password-1", "10.1.0.6"));
    expect(right.status).toBe(204);
    expect(rightMs).toBeGreaterThanOrEqual(1950);
    expect(rightMs).toBeLessThan(3500);
    expect(await redis.exists(keys.signinAttempts("user", "ann"))).toBe(0);
    const [next, nextMs] = await timed(signIn("ann", "guess-7", "10.1.0.7"));
    expect(next.status).toBe(401);
    expect(nextMs).toBeLessThan(900);
  });

  it(
    "lets the right admin password in within seconds while 1,000 wrong guesses for admin arrive from 100 other addresses",
    { timeout: 60_000 },
    async () => {
      const { redis, keys } = await setup();
      // Ten per address: under the per-address limit, so only the username's delay and the hash gate meet them.
      const guesses = Array.from({ length: 1000 }, (_, i) => signIn("admin", `guess-${i}`, `198.51.100.${i % 100}`));
      await until(async () => Number(await redis.get(keys.signinAttempts("user", "admin"))) >= 1000, 20_000, "every guess to be counted");
      const [right, ms] = await timed(signIn("admin", "admin-password-1", "203.0.113.7"));
      expect(right.status).toBe(204);
      // The username's longest wait, then its turn at the gate; the slack is for a shared two-core machine
      // answering the 1,000 other requests at the same moment (alone it takes about half a second).
      expect(ms).toBeLessThan(SIGN_IN_LIMITS.maxDelayMs + 4000);
      const statuses = await Promise.all(guesses.map(async (guess) => (await guess).status));
      // Every guess was checked and refused, or turned away unchecked because too many waited: none got in.
      expect(statuses).toContain(401);
      expect(statuses.filter((status) => status !== 401 && status !== 503)).toEqual([]);
      expect(hashGate().load).toEqual({ running: 0, waiting: 0 });
    },
  );

  it("refuses an address over its limit with 429 and Retry-After, even with the right password, and only that address", async () => {
    const { redis, keys } = await setup();
    // Different made-up names, so no username delay slows the test down.
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) expect((await signIn(`nobody-${i}`, "whatever-123", "10.2.0.1")).status).toBe(401);
    const refused = await signIn("ann", "ann-password-1", "10.2.0.1");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(SIGN_IN_LIMITS.windowSeconds - 60);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowSeconds);
    expect(await refused.json()).toEqual({
      error: "Too many failed sign-in attempts came from your network address. Wait 15 minutes and try again.",
      retryAfterSeconds: retryAfter,
    });
    expect((await signIn("ann", "ann-password-1", "10.2.0.2")).status).toBe(204);

    // Over the limit, a caller writes nothing: no key per made-up name, no longer window.
    const before = await counterKeys(redis, keys);
    const ttl = await redis.pttl(keys.signinAttempts("ip", "10.2.0.1"));
    for (let i = 0; i < 50; i++) expect((await signIn(`made-up-${i}`, "whatever-123", "10.2.0.1")).status).toBe(429);
    expect(await redis.exists(keys.signinAttempts("user", "made-up-0"))).toBe(0);
    expect(await counterKeys(redis, keys)).toEqual(before);
    expect(await redis.get(keys.signinAttempts("ip", "10.2.0.1"))).toBe(String(SIGN_IN_LIMITS.perAddress));
    expect(await redis.pttl(keys.signinAttempts("ip", "10.2.0.1"))).toBeLessThanOrEqual(ttl);
  });

  it("counts IPv6 addresses by their /64 and IPv4-mapped IPv6 as the IPv4 address", async () => {
    await setup();
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++)
      expect((await signIn(`v6-${i}`, "whatever-123", `2001:db8:1:2::${(i + 1).toString(16)}`)).status).toBe(401);
    expect((await signIn("ann", "ann-password-1", "2001:db8:1:2:ffff:ffff:ffff:ffff")).status).toBe(429);
    expect((await signIn("ann", "ann-password-1", "2001:db8:1:3::1")).status).toBe(204);

    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++)
      expect((await signIn(`v4-${i}`, "whatever-123", "::ffff:10.3.0.1")).status).toBe(401);
    expect((await signIn("ann", "ann-password-1", "10.3.0.1")).status).toBe(429);
    expect((await signIn("ann", "ann-password-1", "10.3.0.2")).status).toBe(204);
  });

  it("answers 503 with a sentence when too many password checks already wait, and checks nothing", async () => {
    const { redis, keys } = await setup();
    const release: (() => void)[] = [];
    const blockers = Array.from({ length: 6 }, () =>
      hashGate().run("10.4.0.1", () => new Promise<void>((resolve) => release.push(resolve))),
    );
    expect(hashGate().load).toEqual({ running: 4, waiting: 2 });
    const busy = await signIn("ann", "ann-password-1", "10.4.0.1");
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("2");
    expect(await busy.json()).toEqual({
      error: "StreamDesk is checking many passwords at once right now, so yours was not checked. Wait a few seconds and try again.",
    });
    // Another address still gets its turn in the line.
    const other = signIn("ann", "ann-password-1", "10.4.0.2");
    await until(() => hashGate().load.waiting === 3, 2000, "the other address to wait its turn");
    while (release.length > 0 || hashGate().load.running > 0) {
      release.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(blockers);
    expect((await other).status).toBe(204);
    expect(await redis.exists(keys.signinAttempts("user", "ann"))).toBe(0);
  });
});

describe("the hash gate", () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it("runs at most `running` at once, gives a free slot to the address served longest ago, and refuses when full or too slow", async () => {
    const gate = new HashGate({ running: 2, waiting: 4, waitingPerKey: 2, maxWaitMs: 300 });
    let now = 0;
    let most = 0;
    const order: string[] = [];
    const jobs = new Map<string, ReturnType<typeof deferred>>();
    const job = (key: string, name: string) =>
      gate.run(key, async () => {
        most = Math.max(most, ++now);
        order.push(name);
        const d = deferred();
        jobs.set(name, d);
        await d.promise;
        now--;
      });
    const a1 = job("a", "a1");
    const a2 = job("a", "a2");
    const a3 = job("a", "a3");
    const a4 = job("a", "a4");
    // "a" already has two waiting: a fifth from it is turned away at once.
    await expect(job("a", "a5")).rejects.toBeInstanceOf(PasswordCheckBusyError);
    expect([gate.admits("a"), gate.admits("b")]).toEqual([false, true]);
    const b1 = job("b", "b1");
    const c1 = job("c", "c1");
    expect(gate.load).toEqual({ running: 2, waiting: 4 });
    // Full: a newcomer takes the place of the newest run of the address that waits most.
    const d1 = job("d", "d1");
    await expect(a4).rejects.toBeInstanceOf(PasswordCheckBusyError);
    // Full of addresses with one waiting each: a newcomer is turned away, and can tell before it asks.
    expect([gate.admits("e"), gate.admits("a"), gate.admits("b")]).toEqual([false, false, false]);
    await expect(job("e", "e1")).rejects.toBeInstanceOf(PasswordCheckBusyError);
    for (const name of ["a1", "a2", "b1", "c1", "d1", "a3"]) {
      await until(() => jobs.has(name), 1000, name);
      jobs.get(name)!.resolve();
    }
    await Promise.all([a1, a2, a3, b1, c1, d1]);
    // a3 waited while b, c and d, which had had no turn yet, each got one.
    expect(order).toEqual(["a1", "a2", "b1", "c1", "d1", "a3"]);
    expect(most).toBe(2);

    const hog = job("x", "x1");
    const hog2 = job("x", "x2");
    const slow = job("y", "y1");
    await expect(slow).rejects.toBeInstanceOf(PasswordCheckBusyError);
    jobs.get("x1")!.resolve();
    jobs.get("x2")!.resolve();
    await Promise.all([hog, hog2]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe("the client address", () => {
  it("normalizes and buckets addresses", () => {
    expect(normalizeAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeAddress("::FFFF:c000:0201")).toBe("192.0.2.1");
    expect(normalizeAddress("192.0.2.1:5678")).toBe("192.0.2.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80:0:0:0:0:0:0:1");
    expect(normalizeAddress("unknown")).toBeNull();
    expect(normalizeAddress("1.2.3.4, 5.6.7.8")).toBeNull();
    expect(addressBucket("2001:db8:aa:bb:1:2:3:4")).toBe("2001:db8:aa:bb::/64");
    expect(addressBucket("2001:db8:aa:bb::ffff")).toBe("2001:db8:aa:bb::/64");
    expect(addressBucket("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(addressBucket("garbage")).toBe("unknown");
  });

  it("reads X-Forwarded-For only as far as TRUST_PROXY trusts, from the right", () => {
    const trust = (value?: string) => clientAddressResolver(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy);
    const xff = "6.6.6.6, 203.0.113.9, 10.0.0.2";
    expect(trust()("127.0.0.1", xff)).toBe("127.0.0.1");
    expect(trust("1")("::ffff:10.0.0.1", xff)).toBe("10.0.0.2");
    expect(trust("2")("10.0.0.1", xff)).toBe("203.0.113.9");
    // More hops trusted than the header has: the left-most one, never something made up.
    expect(trust("9")("10.0.0.1", xff)).toBe("6.6.6.6");
    expect(trust("1")("10.0.0.1", undefined)).toBe("10.0.0.1");
    // A list: walk left while the hop is one of ours; the first stranger is the client, whatever it wrote before.
    expect(trust("10.0.0.0/24")("10.0.0.1", xff)).toBe("203.0.113.9");
    expect(trust("10.0.0.1,10.0.0.2")("10.0.0.1", xff)).toBe("203.0.113.9");
    expect(trust("10.0.0.0/24")("198.51.100.1", xff)).toBe("198.51.100.1");
    expect(trust("::ffff:10.0.0.0/120")("10.0.0.1", xff)).toBe("203.0.113.9");
    expect(trust("2001:db8::/32")("2001:db8::1", "2001:db8::2, 2001:db9::1")).toBe("2001:db9:0:0:0:0:0:1");
    // A hop that is not an address stops the walk at the last address a trusted proxy gave.
    expect(trust("2")("10.0.0.1", "1.2.3.4, not-an-ip, 10.0.0.2")).toBe("10.0.0.2");
    expect(() => loadConfig({ TRUST_PROXY: "proxy.local" })).toThrow(
      'TRUST_PROXY "proxy.local" is not an address: it must be a hop count like 1, or a comma list of proxy addresses like 10.0.0.5,10.0.0.6 or 10.0.0.0/24.',
    );
    expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).toEqual({ kind: "off" });
  });

  it("is worked out by the server from the socket, ignoring a client's own copy of the header", async () => {
    const echo = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) =>
      void res.end(req.headers["x-streamdesk-remote-address"]);
    const ask = async (url: string) =>
      (
        await fetch(`${url}/api/echo`, { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.9", "x-streamdesk-remote-address": "1.1.1.1" } })
      ).text();
    const off = await startTestApp(inject("redisUrl"), { handler: echo });
    expect(await ask(off.url)).toBe("127.0.0.1");
    const oneHop = await startTestApp(inject("redisUrl"), { handler: echo, config: { trustProxy: { kind: "hops", hops: 1 } } });
    expect(await ask(oneHop.url)).toBe("203.0.113.9");
    const listed = await startTestApp(inject("redisUrl"), {
      handler: echo,
      config: { trustProxy: { kind: "list", addresses: ["127.0.0.1"] } },
    });
    expect(await ask(listed.url)).toBe("203.0.113.9");
    const elsewhere = await startTestApp(inject("redisUrl"), {
      handler: echo,
      config: { trustProxy: { kind: "list", addresses: ["10.0.0.0/8"] } },
    });
    expect(await ask(elsewhere.url)).toBe("127.0.0.1");
  });
});
