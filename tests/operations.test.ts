import { io as connect } from "socket.io-client";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import { startRedisServer } from "@/harness/redis-server";
import { BUILD_LIMIT_MS, ensureFreshBuild, signInTo, startRealServer } from "./support/real-server";
import { startStallProxy } from "./support/stall-proxy";
import { until } from "./support/writer";

const ADMIN_PASSWORD = "operations-admin-password";

/** The value of one series in Prometheus text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(ensureFreshBuild, BUILD_LIMIT_MS);

describe("the running process", () => {
  it(
    "logs JSON lines with the request id, shows that id in a 500, counts sale outcomes, and logs how long a stop took",
    { timeout: 60_000 },
    async () => {
      const redisServer = await startRedisServer();
      onTestFinished(() => redisServer.dispose());
      const server = await startRealServer(redisServer.url, { env: { STREAMDESK_ADMIN_PASSWORD: ADMIN_PASSWORD } });
      const { cookie } = await signInTo(server.url, "admin", ADMIN_PASSWORD);

      const health = await fetch(`${server.url}/api/health`, { headers: { "x-request-id": "ops-check-1" } });
      expect(health.status).toBe(200);
      await until(() => server.logLines().some((l) => l.requestId === "ops-check-1"), 5000, "the request's log line");
      expect(server.logLines().find((l) => l.requestId === "ops-check-1")).toMatchObject({
        level: "info",
        msg: "request",
        method: "GET",
        path: "/api/health",
        status: 200,
      });

      const sell = (seat: string) =>
        fetch(`${server.url}/api/tickets`, {
          method: "POST",
          headers: { cookie, origin: server.url, "content-type": "application/json" },
          body: JSON.stringify({ name: "Beth Harmon", seat, movieId: 53, sessionId: 832 }),
        }).then((response) => response.status);
      expect([await sell("B11"), await sell("B11"), await sell("not a seat")]).toEqual([201, 409, 400]);

      // A programme document that is not JSON (another program wrote it): the route fails for real.
      const redis = createRedisClient({ mode: "single", url: redisServer.url }, { name: "test" });
      onTestFinished(() => redis.disconnect());
      await whenReady(redis, 5000);
      await redis.hset(streamKeys(server.stream).program, "doc", "{not json", "version", "7");
      const failed = await fetch(`${server.url}/api/program`, { headers: { cookie } });
      expect(failed.status).toBe(500);
      const id = failed.headers.get("x-request-id")!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await failed.json()) as { error: string };
      expect(body).toEqual({
        error: `Something went wrong on the server (reference ${id}). Try again; if it keeps happening, tell your supervisor.`,
      });
      await until(() => server.logLines().filter((l) => l.requestId === id).length >= 2, 5000, "the error's and the request's log lines");
      const logged = server.logLines().filter((l) => l.requestId === id);
      expect(logged).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: "error", msg: "request failed", error: expect.objectContaining({ name: "SyntaxError" }) }),
          expect.objectContaining({ level: "info", msg: "request", path: "/api/program", status: 500 }),
        ]),
      );
      // Every line written while serving is a JSON object (before it listens, Next.js prints one of its own:
      // "✓ Running next.config.js took … ms").
      const serving = server.stdout().slice(server.stdout().indexOf("StreamDesk listening on"));
      const lines = `${serving.slice(serving.indexOf("\n") + 1)}${server.stderr()}`.split("\n").filter((line) => line.trim() !== "");
      expect(lines.filter((line) => !/^\{.*\}$/.test(line))).toEqual([]);

      await redisServer.kill();
      expect(await sell("B12")).toBe(503);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      for (const outcome of ["sold", "seat_taken", "invalid", "redis_unavailable"]) {
        expect(sample(metrics, `streamdesk_sales_total{outcome="${outcome}"}`), outcome).toBe(1);
      }

      await redisServer.start();
      await until(async () => (await fetch(`${server.url}/api/health`)).status === 200, 10_000, "Redis to be back");
      const stopped = await server.stop("SIGTERM");
      expect(stopped).toMatchObject({ code: 0, signal: null });
      const stopLine = server.logLines().find((l) => typeof l.msg === "string" && l.msg.startsWith("stopped in "));
      expect(stopLine).toMatchObject({ level: "info", msg: expect.stringMatching(/^stopped in \d+ ms$/) });
      expect(server.logLines().some((l) => l.msg === "SIGTERM: shutting down")).toBe(true);
    },
  );

  it("exits by force, with a log line and code 1, when a stop hangs: 5 s at most", { timeout: 60_000 }, async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const proxy = await startStallProxy(redisServer.port);
    const server = await startRealServer(proxy.url, { env: { STREAMDESK_ADMIN_PASSWORD: ADMIN_PASSWORD, GROUPS_POLL_MS: "100" } });
    const { cookie } = await signInTo(server.url, "admin", ADMIN_PASSWORD);
    // An open tab makes the group watcher poll Redis; a frozen Redis leaves its poll waiting on a reply.
    const tab = connect(server.url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
    onTestFinished(() => void tab.disconnect());
    await until(() => tab.connected, 10_000, "the tab to connect");
    proxy.stall();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const stopped = await server.stop("SIGTERM");
    expect(stopped, server.stderr()).toMatchObject({ code: 1, signal: null });
    // The force fires at 4.5 s (SHUTDOWN_LIMIT_MS); the upper bound leaves a loaded machine 2 s. Without the
    // force, the stuck poll's 5 s command timeout would end the stop with code 0 and "stopped in".
    expect(stopped.ms).toBeGreaterThan(4000);
    expect(stopped.ms).toBeLessThan(6500);
    expect(server.logLines()).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: "warn", msg: "shutdown took too long; exiting" })]),
    );
    expect(server.logLines().some((l) => typeof l.msg === "string" && l.msg.startsWith("stopped in "))).toBe(false);
  });
});
