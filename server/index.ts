import { StaffExistsError } from "@/lib/errors";
import type { ChildProcess } from "node:child_process";
import next from "next";
import { ConfigError, loadConfig, type Config } from "@/lib/config";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisTarget } from "@/lib/redis";
import { randomBytes } from "node:crypto";
import { createStaff, noStaffYet, oneTimePasswordExpired, setPassword } from "@/lib/staff";
import type { RedisClient } from "@/lib/redis";
import type { StreamKeys } from "@/lib/keys";
import { createApp } from "./http-server";
import { setContext } from "./request/context";
import { pingRedis, RedisServerMissingError, startLocalRedis } from "./local-redis";
import { log } from "./log";

const SHUTDOWN_LIMIT_MS = 4500;

/** Uses the configured Redis, or starts a local one when the default URL has nobody listening. */
async function ensureRedis(config: Config): Promise<{ target: RedisTarget; child?: ChildProcess }> {
  if (config.redis.mode === "cluster") return { target: config.redis };
  const url = new URL(config.redis.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 6379);
  if (config.redis.explicit || (await pingRedis(host, port))) return { target: config.redis };
  log.info(`nothing answers at ${url.host}; starting redis-server with data in .data/redis`);
  const child = await startLocalRedis(host, port, ".data/redis");
  return { target: config.redis, child };
}

/** How long the one-time password printed at first start works, unused. */
const ONE_TIME_PASSWORD_MS = 24 * 60 * 60_000;

/**
 * First start: with no staff account yet, creates the supervisor `admin` with STREAMDESK_ADMIN_PASSWORD
 * (the operator's choice: no change forced), or with a random password printed once that must be
 * changed at first sign-in and expires after 24 hours unused; a start after that prints a fresh one.
 */
async function ensureFirstSupervisor(redis: RedisClient, keys: StreamKeys, configured: string | undefined): Promise<void> {
  try {
    const first = await noStaffYet(redis, keys);
    if (!first && !(await oneTimePasswordExpired(redis, keys, "admin"))) return;
    const password = configured ?? randomBytes(12).toString("base64url");
    if (first) {
      await createStaff(redis, keys, "system", { username: "admin", password, role: "supervisor", mustChangePassword: !configured, ...(configured ? {} : { passwordExpiresAt: Date.now() + ONE_TIME_PASSWORD_MS }) });
    } else {
      await setPassword(redis, keys, "system", "admin", password, !configured, configured ? undefined : Date.now() + ONE_TIME_PASSWORD_MS);
    }
    if (configured) log.info("created the supervisor account admin with STREAMDESK_ADMIN_PASSWORD");
    // Printed once, on purpose, to the console of the person starting StreamDesk; never stored in clear.
    else process.stdout.write(`\nStreamDesk ${first ? "created" : "renewed"} the supervisor account "admin" with the one-time password: ${password}\nSign in at /login within 24 hours and choose a new password.\n\n`);
  } catch (error) {
    if (error instanceof StaffExistsError) return;
    log.warn("could not check for a first supervisor account (Redis unreachable?); will not retry until restart", { error });
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  log.setLevel(config.logLevel);
  const { target, child } = await ensureRedis(config);
  const stopLocalRedis = () => child?.kill("SIGTERM");
  process.once("exit", stopLocalRedis);

  const redis = createRedisClient(target, { name: "streamdesk:commands" });
  const feedRedis = createRedisClient(target, { name: "streamdesk:feed", blocking: true });
  // SUBSCRIBE takes a connection for itself: sessions other instances end arrive here.
  const subscriber = createRedisClient(target, { name: "streamdesk:events" });
  const indexRedis = createRedisClient(target, { name: "streamdesk:index" });
  await whenReady(redis, 5000).catch(() => log.warn("Redis is not answering yet; serving 503 until it does"));

  const dev = config.env !== "production";
  const nextApp = next({ dev, hostname: config.host, port: config.port, dir: process.cwd() });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();

  const keys = streamKeys(config.streamKey);
  await ensureFirstSupervisor(redis, keys, config.adminPassword);
  const secret = config.secret ?? randomBytes(32).toString("base64url");
  if (!config.secret) log.warn("STREAMDESK_SECRET is not set: using a random one, so sessions end when this process restarts and are not shared with other instances");
  const auth = { redis, keys, config, secret };
  if (!config.metricsServed) log.warn(`HOST ${config.host} is reachable from other machines and METRICS_TOKEN is not set: /metrics is off until METRICS_TOKEN is set`);
  const app = createApp({
    redis,
    feedRedis,
    subscriber,
    indexRedis,
    keys,
    feed: config.feed,
    groupsPollMs: config.groups.pollMs,
    handler: (req, res) => void handle(req, res),
    auth,
    metricsToken: config.metricsToken,
    metricsServed: config.metricsServed,
    dev,
  });
  setContext({
    config,
    redis,
    keys,
    secret,
    feedStatus: () => app.loop.status,
    groupsChanged: () => app.groups.refresh(),
    program: app.programCache,
    programChanged: () => app.program.refresh(),
    endSessions: (ended) => app.endSessions(ended),
  });

  await new Promise<void>((resolve, reject) => {
    app.http.once("error", reject);
    app.http.listen(config.port, config.host, resolve);
  });
  const address = app.http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  log.info(`StreamDesk listening on http://${config.host}:${port}`, { stream: config.streamKey, dev });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const began = Date.now();
    log.info(`${signal}: shutting down`);
    const force = setTimeout(() => {
      log.warn("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    force.unref();
    await app.close();
    // Next's own close has no deadline; it must not hold the exit.
    await Promise.race([nextApp.close?.(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    redis.disconnect();
    subscriber.disconnect();
    indexRedis.disconnect();
    stopLocalRedis();
    clearTimeout(force);
    log.info(`stopped in ${Date.now() - began} ms`);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisServerMissingError) {
    process.stderr.write(`StreamDesk cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`StreamDesk cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
