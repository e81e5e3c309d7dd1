// `npm run demo`: the whole box office on a demo stream of its own: Redis (started when none answers), the
// app, simulated sellers at DEMO_RATE, an occasional redis-cli XADD, two tickets workers and one accounting
// worker, one of them killed now and then. Ctrl-C stops everything it started.
import { childEnv } from "../harness/env";
import { StaffExistsError } from "../lib/errors";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../lib/config";
import { streamKeys } from "../lib/keys";
import { changeProgram, readProgram } from "../lib/program";
import { createRedisClient, guard, whenReady } from "../lib/redis";
import { createStaff, setPassword } from "../lib/staff";
import { hallSeats, parseProgramDocument, salesClosed, type ProgramDocument } from "../lib/validations/program";
import { pingRedis, startLocalRedis } from "../server/local-redis";

/** The demo's own stream, in a database of its own, so it never writes into a real box office's data. */
const DEMO_STREAM = "streamdesk-demo";
const DEMO_DB = 1;
const SELLERS = ["ana", "ben", "cleo"];
/** A worker is killed about this often, so pending entries, idle times and claims show up in /groups. */
const KILL_EVERY_MS = 75_000;
/** Claims happen within the demo's attention span instead of production's 30 s. */
const WORKER_ENV = { WORKER_RECLAIM_MS: "5000", WORKER_CLAIM_IDLE_MS: "15000" };
const FORCE = process.argv.includes("--force");

const children = new Set<ChildProcess>();
let stopping = false;

function say(line: string) {
  process.stdout.write(`demo: ${line}\n`);
}

function run(name: string, args: string[], env: Record<string, string>, quiet = true): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: childEnv(env),
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  children.add(child);
  child.once("exit", (code, signal) => {
    children.delete(child);
    if (!stopping && signal !== "SIGKILL") say(`${name} exited with ${code ?? signal}`);
  });
  return child;
}

/** The example programme with its first day moved to today, each showing keeping its time of day. */
function programForToday(): ProgramDocument {
  const parsed = parseProgramDocument(JSON.parse(readFileSync(new URL("../examples/program.json", import.meta.url), "utf8")));
  if (!("document" in parsed)) throw new Error("examples/program.json is not a valid programme");
  const doc = parsed.document;
  const first = Math.min(...doc.showings.map((s) => Date.parse(s.startsAt.slice(0, 10))));
  const shift = Date.parse(new Date().toISOString().slice(0, 10)) - first;
  return {
    ...doc,
    showings: doc.showings.map((s) => ({ ...s, startsAt: new Date(Date.parse(s.startsAt) + shift).toISOString().replace(".000Z", "Z") })),
  };
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`The demo cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (config.redis.mode === "cluster") throw new Error("The demo runs against a single Redis: unset REDIS_CLUSTER_NODES.");
  const base = new URL(config.redis.url);
  const host = base.hostname.replace(/^\[|\]$/g, "");
  const port = Number(base.port || 6379);
  if (!config.redis.explicit && !(await pingRedis(host, port))) {
    say(`nothing answers at ${host}:${port}; starting redis-server with data in .data/redis`);
    const redisChild = await startLocalRedis(host, port, ".data/redis");
    children.add(redisChild);
  }
  const url = new URL(base);
  url.pathname = `/${DEMO_DB}`;
  const redisUrl = url.toString();
  const redis = createRedisClient({ mode: "single", url: redisUrl }, { name: "streamdesk:demo" });
  await whenReady(redis, 5000);
  const keys = streamKeys(DEMO_STREAM);

  // Refuses a stream the demo did not make (someone's data in database 1), unless told.
  const marker = `{${DEMO_STREAM}}:demo`;
  const [length, marked] = await guard(Promise.all([redis.exists(DEMO_STREAM), redis.exists(marker)]));
  if (length > 0 && marked === 0 && !FORCE) {
    process.stderr.write(
      `The demo cannot start: ${DEMO_STREAM} in database ${DEMO_DB} already holds entries the demo did not write. Run npm run demo -- --force to use it anyway.\n`,
    );
    process.exit(1);
  }
  await guard(redis.set(marker, "1"));

  if ((await readProgram(redis, keys)).document.showings.length === 0) {
    await changeProgram(redis, keys, "demo", { kind: "import", document: programForToday() });
    say("imported examples/program.json with its first day moved to today");
  }
  const program = (await readProgram(redis, keys)).document;

  // Fresh passwords every run: printed once, here, for the person running the demo.
  const adminPassword = config.adminPassword ?? randomBytes(9).toString("base64url");
  const sellerPassword = randomBytes(9).toString("base64url");
  const accounts: { username: string; password: string; role: "supervisor" | "seller" }[] = [
    { username: "admin", password: adminPassword, role: "supervisor" },
    ...SELLERS.map((username) => ({ username, password: sellerPassword, role: "seller" as const })),
  ];
  for (const { username, password, role } of accounts) {
    try {
      await createStaff(redis, keys, "demo", { username, password, role, mustChangePassword: false });
    } catch (error) {
      if (!(error instanceof StaffExistsError)) throw error;
      await setPassword(redis, keys, "demo", username, password, false);
    }
  }

  const appEnv = { REDIS_URL: redisUrl, TICKETS_STREAM: DEMO_STREAM, STREAMDESK_ADMIN_PASSWORD: adminPassword, PORT: String(config.port) };
  // Warnings only: request lines would bury the URL and password printed below.
  const app = run("the app", ["scripts/start.ts"], { ...appEnv, LOG_LEVEL: "warn" }, false);
  const appUrl = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${config.port}`;
  const workerEnv = { ...appEnv, ...WORKER_ENV, LOG_LEVEL: "warn" };
  const workers = [
    { kind: "tickets", child: run("tickets worker 1", ["workers/index.ts", "tickets"], workerEnv) },
    { kind: "tickets", child: run("tickets worker 2", ["workers/index.ts", "tickets"], workerEnv) },
    { kind: "accounting", child: run("accounting worker", ["workers/index.ts", "accounting"], workerEnv) },
  ];

  const deadline = Date.now() + 300_000;
  while (
    !(await fetch(`${appUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (app.exitCode !== null || Date.now() > deadline) throw new Error("the app did not start; see its output above");
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`StreamDesk is at ${appUrl}  (sign in as admin with password ${adminPassword})`);
  say(`${SELLERS.length} sellers sell about ${config.demoRate} seats a minute; Ctrl-C stops everything`);

  const cookies = await Promise.all(
    SELLERS.map(async (username) => {
      const response = await fetch(`${appUrl}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: appUrl },
        body: JSON.stringify({ username, password: sellerPassword }),
      });
      return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    }),
  );

  const hasCli = spawnSync("redis-cli", ["--version"]).status === 0;
  let sales = 0;
  const sellOne = async () => {
    const open = program.showings.filter(
      (s) => !salesClosed(s, Date.now(), config.sales.closeMinutes) && Date.parse(s.startsAt) - Date.now() < 36 * 3_600_000,
    );
    const showing = open[randomInt(open.length || 1)];
    if (!showing) return;
    const seats = [...hallSeats(program.halls.find((h) => h.hallId === showing.hallId) ?? { rows: [] })];
    const seller = randomInt(SELLERS.length);
    const guest = `${["Ada", "Bo", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal"][randomInt(8)]} ${["Ng", "Ortiz", "Park", "Quinn", "Rossi", "Sato"][randomInt(6)]}`;
    sales++;
    if (hasCli && sales % 15 === 0) {
      // As any other program may: one writing straight to the stream, here one with nothing to print
      // now and then, which the tickets worker dead-letters with its reason.
      const fields =
        sales % 45 === 0
          ? ["note", "till opened"]
          : ["name", guest, "seat", seats[randomInt(seats.length)]!, "movieId", showing.movieId, "sessionId", showing.sessionId];
      spawnSync("redis-cli", ["-u", redisUrl, "XADD", DEMO_STREAM, "*", ...fields], { stdio: "ignore" });
      return;
    }
    await fetch(`${appUrl}/api/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: appUrl, cookie: cookies[seller]! },
      body: JSON.stringify({ name: guest, seat: seats[randomInt(seats.length)], movieId: showing.movieId, sessionId: showing.sessionId }),
    }).catch(() => {});
  };
  const sellLoop = async () => {
    while (!stopping) {
      // Exponential gaps: people arrive at random, about DEMO_RATE a minute.
      await new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * (60_000 / config.demoRate)));
      if (!stopping) await sellOne();
    }
  };
  void sellLoop();

  const killer = setInterval(() => {
    const victim = workers[randomInt(workers.length)]!;
    say(`killing a ${victim.kind} worker (kill -9); another claims its pending entries after 15 s idle, and it restarts in 20 s`);
    victim.child.kill("SIGKILL");
    setTimeout(() => {
      if (!stopping) victim.child = run(`${victim.kind} worker`, ["workers/index.ts", victim.kind], workerEnv);
    }, 20_000);
  }, KILL_EVERY_MS);

  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(killer);
    say("stopping");
    redis.disconnect();
    for (const child of children) child.kill("SIGTERM");
    setTimeout(() => process.exit(0), 5000).unref();
    const check = setInterval(() => {
      if (children.size === 0) process.exit(0);
    }, 100);
    check.unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const child of children) child.kill("SIGTERM");
  process.exit(1);
});
