import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import { hashTag, streamKeys } from "@/lib/keys";

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      redis: { mode: "single", url: "redis://127.0.0.1:6379", explicit: false },
      streamKey: "tickets",
      seatMap: { rows: 10, seatsPerRow: 20 },
    });
  });

  it("uses Redis Cluster when REDIS_CLUSTER_NODES is set", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "a:7000, b:7001" }).redis).toEqual({
      mode: "cluster",
      nodes: [
        { host: "a", port: 7000 },
        { host: "b", port: 7001 },
      ],
    });
  });

  it.each([
    [{ PORT: "70000" }, /^PORT must be between 0 and 65535/],
    [{ PORT: "web" }, /^PORT must be a whole number/],
    [{ REDIS_URL: "localhost:6379" }, /^REDIS_URL must be a URL like redis:\/\/host:6379/],
    [{ REDIS_CLUSTER_NODES: "a:7000,b" }, /^REDIS_CLUSTER_NODES "b" is not host:port/],
    [{ SEAT_ROWS: "30" }, /^SEAT_ROWS must be between 1 and 26/],
    [{ STREAMDESK_SECRET: "short" }, /^STREAMDESK_SECRET must be at least 16/],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("never echoes a secret it refuses", () => {
    expect(() => loadConfig({ STREAMDESK_ADMIN_PASSWORD: "hunter2" })).toThrow(
      /^STREAMDESK_ADMIN_PASSWORD must be at least 10 characters, like every password\.$/,
    );
  });
});

describe("streamKeys", () => {
  it("puts a stream's seat keys in the stream's cluster slot", () => {
    expect(streamKeys("tickets").seats("53", "832")).toBe("{tickets}:seats:53:832");
    expect(hashTag("{tickets}:seats:53:832")).toBe(hashTag("tickets"));
    expect(streamKeys("{shop}:tickets").seats("1", "2")).toBe("{shop}:seats:1:2");
  });
});

describe("worker and demo settings", () => {
  it("default to the kind's group, host + pid, 10 s reclaim, 30 s claim idle, .data/tickets and 12 sales a minute", () => {
    expect(loadConfig({}).workers).toEqual({
      group: null,
      consumer: null,
      reclaimMs: 10_000,
      claimIdleMs: 30_000,
      outDir: ".data/tickets",
    });
    expect(loadConfig({}).demoRate).toBe(12);
    expect(loadConfig({ WORKER_GROUP: "printing-2", WORKER_CONSUMER: "till-1", DEMO_RATE: "0.5" })).toMatchObject({
      workers: { group: "printing-2", consumer: "till-1" },
      demoRate: 0.5,
    });
  });

  it("name the variable that cannot be used", () => {
    expect(() => loadConfig({ WORKER_RECLAIM_MS: "5" })).toThrow("WORKER_RECLAIM_MS must be between 100 and 3600000.");
    expect(() => loadConfig({ WORKER_CLAIM_IDLE_MS: "soon" })).toThrow(/^WORKER_CLAIM_IDLE_MS must be a whole number/);
    expect(() => loadConfig({ WORKER_CONSUMER: "has space" })).toThrow(/^WORKER_CONSUMER must be 1 to 100 letters/);
    expect(() => loadConfig({ DEMO_RATE: "0" })).toThrow("DEMO_RATE must be more than 0 sales per minute.");
  });
});
