import { StaffExistsError } from "@/lib/errors";
import type { ChildProcess } from "node:child_process";
import next from "next";
import { ConfigError, loadConfig, type Config } from "@/lib/config";
import { whenReady } from "@/lib/redis";
import { randomBytes } from "node:crypto";
import { createStaff, noStaffYet, oneTimePasswordExpired, setPassword } from "@/lib/staff";
import type { RedisClient } from "@/lib/redis";
import type { StreamKeys } from "@/lib/keys";
import { setContext } from "./request/context";
import { pingRedis, RedisServerMissingError, startLocalRedis } from "./local-redis";
import { log } from "./log";
import { startStreamDesk } from "./start";

const SHUTDOWN_LIMIT_MS = 4500;

/** Uses the configured Redis, or starts a local one when the default URL has nobody listening. */
async function ensureRedis(config: Config): Promise<ChildProcess | undefined> {
  if (config.redis.mode === "cluster") return undefined;
  const url = new URL(config.redis.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 6379);
  if (config.redis.explicit || (await pingRedis(host, port))) return undefined;
  log.info(`nothing answers at ${url.host}; starting redis-server with data in .data/redis`);
  return startLocalRedis(host, port, ".data/redis");
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
      await createStaff(redis, keys, "system", {
        username: "admin",
        password,
        role: "supervisor",
        mustChangePassword: !configured,
        ...(configured ? {} : { passwordExpiresAt: Date.now() + ONE_TIME_PASSWORD_MS }),
      });
    } else {
      await setPassword(redis, keys, "system", "admin", password, !configured, configured ? undefined : Date.now() + ONE_TIME_PASSWORD_MS);
    }
    if (configured) log.info("created the supervisor account admin with STREAMDESK_ADMIN_PASSWORD");
    // Printed once, on purpose, to the console of the person starting StreamDesk; never stored in clear.
    else
      process.stdout.write(
        `\nStreamDesk ${first ? "created" : "renewed"} the supervisor account "admin" with the one-time password: ${password}\nSign in at /login within 24 hours and choose a new password.\n\n`,
      );
  } catch (error) {
    if (error instanceof StaffExistsError) return;
    log.warn("could not check for a first supervisor account (Redis unreachable?); will not retry until restart", { error });
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  log.setLevel(config.logLevel);
  const child = await ensureRedis(config);
  const stopLocalRedis = () => child?.kill("SIGTERM");
  process.once("exit", stopLocalRedis);

  const dev = config.env !== "production";
  const nextApp = next({ dev, hostname: config.host, port: config.port, dir: process.cwd() });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();

  const secret = config.secret ?? randomBytes(32).toString("base64url");
  const desk = startStreamDesk(config, { secret, dev, handler: (req, res) => void handle(req, res) });
  await whenReady(desk.redis, 5000).catch(() => log.warn("Redis is not answering yet; serving 503 until it does"));
  await ensureFirstSupervisor(desk.redis, desk.keys, config.adminPassword);
  if (!config.secret)
    log.warn(
      "STREAMDESK_SECRET is not set: using a random one, so sessions end when this process restarts and are not shared with other instances",
    );
  if (!config.metricsServed)
    log.warn(
      `HOST ${config.host} is reachable from other machines and METRICS_TOKEN is not set: /metrics is off until METRICS_TOKEN is set`,
    );
  setContext(desk.context);
  const port = await desk.listen(config.port, config.host);
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
    await desk.close();
    // Next's own close has no deadline; it must not hold the exit.
    await Promise.race([nextApp.close?.(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
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
