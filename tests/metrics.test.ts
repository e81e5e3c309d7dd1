import { describe, expect, it, onTestFinished } from "vitest";
import * as tickets from "@/app/api/tickets/route";
import { openSocket, startTestApp } from "./support/app";
import { serveRoutes } from "./support/routes";
import { startRedisServer } from "@/harness/redis-server";
import { TEST_SECRET, withContext } from "./support/session";
import { until } from "./support/writer";
import { API_ROUTES, routeLabel } from "@/server/metrics";

/** The value of one series in Prometheus text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const sale = (seat: string) => JSON.stringify({ name: "Beth Harmon", seat, movieId: 53, sessionId: 832 });

describe("GET /metrics", () => {
  it("counts sales by outcome, entries delivered to tabs, connected tabs and feed lag, and leaks no secret", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url, { handler: serveRoutes({ "/api/tickets": tickets }) });
    withContext(redis, keys);
    const tab = openSocket(url, cookie);
    await until(() => tab.connected, 5000, "the tab to connect");
    tab.emit("feed:resume", { afterId: await redis.xrevrange(keys.stream, "+", "-", "COUNT", 1).then((r) => r[0]?.[0] ?? "0-0") });
    let received = 0;
    tab.on("feed:entries", (entries) => (received += entries.length));

    const post = (body: string) =>
      fetch(`${url}/api/tickets`, { method: "POST", headers: { cookie, "content-type": "application/json", origin: url }, body });
    expect((await post(sale("B11"))).status).toBe(201);
    expect((await post(sale("B11"))).status).toBe(409);
    expect((await post(sale("not a seat"))).status).toBe(400);
    await until(() => received === 1, 5000, "the sale to reach the tab");

    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'streamdesk_sales_total{outcome="sold"}')).toBe(1);
    expect(sample(text, 'streamdesk_sales_total{outcome="seat_taken"}')).toBe(1);
    expect(sample(text, 'streamdesk_sales_total{outcome="invalid"}')).toBe(1);
    expect(sample(text, "streamdesk_feed_entries_total")).toBe(1);
    expect(sample(text, "streamdesk_feed_deliveries_total")).toBe(1);
    expect(sample(text, "streamdesk_connected_tabs")).toBe(1);
    expect(sample(text, "streamdesk_feed_lag_milliseconds")).toBe(0);
    expect(sample(text, "streamdesk_redis_up")).toBe(1);
    expect(sample(text, 'streamdesk_http_request_duration_seconds_count{method="POST",route="/api/tickets",status="201"}')).toBe(1);
    expect(text).toMatch(/^streamdesk_process_resident_memory_bytes \d+/m);
    expect(text).not.toContain(TEST_SECRET);
    expect(text).not.toContain(decodeURIComponent(cookie.split("=")[1]!));

    // A Redis outage shows as down, and each reconnect is counted.
    await redisServer.kill();
    await until(async () => sample(await (await fetch(`${url}/metrics`)).text(), "streamdesk_redis_up") === 0, 10_000, "redis_up to drop");
    await redisServer.start();
    await until(
      async () => sample(await (await fetch(`${url}/metrics`)).text(), "streamdesk_redis_up") === 1,
      15_000,
      "redis_up to recover",
    );
    const after = await (await fetch(`${url}/metrics`)).text();
    expect(sample(after, 'streamdesk_redis_reconnects_total{connection="feed"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'streamdesk_redis_reconnects_total{connection="commands"}')).toBeGreaterThanOrEqual(1);
  });

  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const token = "metrics-token-0123456789";
    const { url } = await startTestApp(redisServer.url, { metricsToken: token });
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/METRICS_TOKEN/) });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("streamdesk_connected_tabs 0");
  });
});

describe("request ids", () => {
  it("gives every answer an x-request-id, keeping a well-formed one the caller sent", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { url } = await startTestApp(redisServer.url);
    const fresh = await fetch(`${url}/api/anything`);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${url}/api/anything`, { headers: { "x-request-id": "lb-7f3a.42" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-7f3a.42");
    const replaced = await fetch(`${url}/api/anything`, { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("route labels", () => {
  it("name every route of app/api by its pattern", async () => {
    const { readdir } = await import("node:fs/promises");
    const files = (await readdir("app/api", { recursive: true })).filter((file) => file.endsWith("route.ts"));
    const routes = files.map((file) => `/api/${file.replace(/\/?route\.ts$/, "")}`.replace(/\/$/, "").replace(/\[(\w+)\]/g, ":$1")).sort();
    expect([...API_ROUTES].sort()).toEqual(routes);
    expect(routeLabel("/api/tickets/search")).toBe("/api/tickets/search");
    expect(routeLabel("/api/tickets/1700000000000-0/refund")).toBe("/api/tickets/:id/refund");
    expect(routeLabel("/api/program/showings/832")).toBe("/api/program/showings/:sessionId");
  });

  it("keep the series count flat while made-up paths under /api/ are requested", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { url } = await startTestApp(redisServer.url);
    const series = async () =>
      (await (await fetch(`${url}/metrics`)).text())
        .split("\n")
        .filter((line) => line.startsWith("streamdesk_http_request_duration_seconds_count")).length;
    for (let i = 0; i < 5; i++) await fetch(`${url}/api/r${i}`);
    // The scrape itself is a request: let its own series exist before counting.
    await series();
    const before = await series();
    for (let i = 5; i < 300; i++) await fetch(`${url}/api/r${i}/x.y`);
    expect(await series()).toBe(before);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('route="other"');
  });
});

describe("METRICS_TOKEN and HOST", () => {
  it("serve /metrics openly only on a loopback address; on any other without a token it is off, and the server still starts", async () => {
    const { isLoopback, loadConfig } = await import("@/lib/config");
    for (const host of ["127.0.0.1", "127.3.2.1", "localhost", "::1", "[::1]"]) expect(isLoopback(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "desk.example"]) expect(isLoopback(host)).toBe(false);
    expect(loadConfig({ HOST: "0.0.0.0" }).metricsServed).toBe(false);
    expect(loadConfig({ HOST: "0.0.0.0", METRICS_TOKEN: "x".repeat(16) }).metricsServed).toBe(true);
    expect(loadConfig({}).metricsServed).toBe(true);

    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { url } = await startTestApp(redisServer.url, { metricsServed: false });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/Set METRICS_TOKEN/) });
  });
});
