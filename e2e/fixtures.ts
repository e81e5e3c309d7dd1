import { launchNode, waitForHealth } from "../harness/app-process";
import { childEnv } from "../harness/env";
import { freePort } from "../harness/ports";
import { randomUUID } from "node:crypto";
import {
  test as base,
  expect,
  type APIRequest,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type TestInfo,
} from "@playwright/test";
import { e2eRedisPort } from "./support/env";
import { exited, groupAlive, redisCliArgs, redisCliTyped, signalGroup, waitFor } from "./support/processes";

const START_LIMIT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
// Every test signs in as `admin` with this (contract: `admin` is created with it, no change forced).
export const ADMIN_PASSWORD = "e2e-admin-password";

export type StorageState = Exclude<BrowserContextOptions["storageState"], string | undefined>;

/** The production server started for one test, on its own port and its own stream. */
export interface RunningApp {
  baseURL: string;
  /** The stream key (`TICKETS_STREAM`) this test's server reads and writes. */
  stream: string;
  redisPort: number;
  /** Cookies of the signed-in supervisor `admin`. */
  storageState: StorageState;
  /** Everything the server printed so far. */
  output(): string;
}

/** The real `redis-cli -p <port>` against the run's Redis: argv form, and `typed` for command lines as a person types them. */
export interface RedisCli {
  (...args: string[]): Promise<string>;
  typed(...lines: string[]): Promise<string[]>;
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Where a server started by {@link startApp} listens and what it serves; each part defaults to a fresh one. */
export interface ServerOptions {
  /** The Redis it uses; the run's shared one by default. */
  redisPort?: number;
  /** The port it listens on; a free one by default (pass an earlier server's port to start it again there). */
  port?: number;
  /** The stream it serves; a new one by default (pass another server's stream to run beside it). */
  stream?: string;
  /** More environment, such as `{ TICKETS_RETENTION: "maxlen:100" }`. */
  env?: Record<string, string>;
}

interface StartedApp {
  app: RunningApp;
  /** SIGTERM, then SIGKILL for whatever is left after the grace period. */
  stop: () => Promise<{ killed: boolean; code: number | null }>;
  /** True until the server process has exited. */
  running: () => boolean;
  /** Sends `signal` to the server process or, with `group`, to every process of its group. */
  signal: (signal: NodeJS.Signals, group?: boolean) => void;
  /** Resolves with the exit code (or signal) once the server process has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startApp(requests: APIRequest, options: ServerOptions = {}): Promise<StartedApp> {
  const redisPort = options.redisPort ?? e2eRedisPort();
  const port = options.port ?? (await freePort());
  const stream = options.stream ?? `e2e-${randomUUID().slice(0, 8)}`;
  const baseURL = `http://127.0.0.1:${port}`;

  // The app reads nothing else that matters; drop anything from the caller's shell that would redirect it.
  const env = childEnv();
  for (const name of [
    "REDIS_CLUSTER_NODES",
    "SEAT_ROWS",
    "SEATS_PER_ROW",
    "FEED_BATCH",
    "FEED_BLOCK_MS",
    "FEED_COALESCE_MS",
    "LOG_LEVEL",
    "TICKETS_RETENTION",
    "METRICS_TOKEN",
  ])
    delete env[name];
  Object.assign(env, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    TICKETS_STREAM: stream,
    STREAMDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    STREAMDESK_SECRET: "e2e-session-secret-0123456789abcdef",
    ...options.env,
  });

  // As `npm start` and the Dockerfile run it; its own process group, so anything it starts is killed with it.
  const server = launchNode(["server/index.ts"], { env, detached: true });
  const { child } = server;
  const exit = server.exited.then(({ code, signal }) => ({ code, signal }));
  const output = () => `--- stdout ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`;

  const stop = async () => {
    if (child.pid === undefined) return { killed: false, code: child.exitCode };
    if (server.running()) child.kill("SIGTERM");
    const clean = await exited(child, STOP_GRACE_MS);
    // After a clean exit the group may still hold a child for a moment as a zombie, waiting for init to
    // reap it (kill -0 succeeds on zombies): that is not a server that failed to stop.
    const killed = !clean;
    if (groupAlive(child.pid)) signalGroup(child.pid, "SIGKILL");
    await exited(child, STOP_GRACE_MS);
    return { killed, code: child.exitCode };
  };

  try {
    await server.waitFor(/StreamDesk listening on/, START_LIMIT_MS);
    await waitForHealth(baseURL, START_LIMIT_MS, () =>
      server.running() ? null : `the server exited with ${child.exitCode ?? child.signalCode}`,
    );
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new Error(
      `StreamDesk did not start (${reason}).\n${tail(server.stderr()) || "(stderr was empty)"}\n--- stdout (tail) ---\n${tail(server.stdout())}`,
    );
  }

  // Always sign in, never only when a probe is refused: if authentication broke open, every spec would
  // still pass. signed-out.spec.ts checks that the pages and the API refuse a browser without a session.
  let storageState: StorageState;
  try {
    storageState = await signInState(requests, baseURL, "admin", ADMIN_PASSWORD);
  } catch (error) {
    await stop();
    throw error;
  }

  const signal = (name: NodeJS.Signals, group = false) => {
    if (child.pid === undefined) return;
    if (group) signalGroup(child.pid, name);
    else child.kill(name);
  };
  return { app: { baseURL, stream, redisPort, storageState, output }, stop, signal, running: server.running, exit };
}

/**
 * Signs `username` in through `POST /api/session`, exactly as the fixture signs in `admin`, and returns the
 * cookies for a browser context. Throws with the server's answer when it is not 204.
 */
export async function signInState(requests: APIRequest, baseURL: string, username: string, password: string): Promise<StorageState> {
  const api = await requests.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  try {
    const signIn = await api.post("/api/session", { data: { username, password } });
    if (signIn.status() !== 204) throw new Error(`Signing in as ${username} answered ${signIn.status()}: ${await signIn.text()}`);
    return await api.storageState();
  } finally {
    await api.dispose();
  }
}

/** A second (third…) person's tab: signed in with `state`, or signed out when `state` is null. */
export type OpenPage = (state: StorageState | null) => Promise<Page>;

/** A server a test started itself with `launch`, which it may kill, stop and start again. */
export interface LaunchedApp extends RunningApp {
  port: number;
  /** kill -9 of the server's process group, as a crash would: no shutdown code runs. Resolves once it is gone. */
  crash(): Promise<void>;
  /** Sends SIGTERM as an operator would; resolves with how it exited and how long that took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts another production server (see {@link ServerOptions}); it is stopped after the test if still running. */
export type Launch = (options?: ServerOptions) => Promise<LaunchedApp>;

async function attachOutput(server: StartedApp, testInfo: TestInfo): Promise<void> {
  await testInfo.attach(`server-output-${server.app.baseURL.split(":").at(-1)}.txt`, {
    body: server.app.output(),
    contentType: "text/plain",
  });
}

/**
 * Stops `server` with SIGTERM as an operator would. A server that needs SIGKILL or exits non-zero has a
 * shutdown bug (a hung handle, an error on the way out), so the test fails, with the server's output
 * attached; `fail: false` returns the sentence instead, for a caller that stops several servers first.
 */
async function stopStrictly(server: StartedApp, testInfo: TestInfo, fail = true): Promise<string | null> {
  const { killed, code } = await server.stop();
  const trouble = killed
    ? `the server at ${server.app.baseURL} did not exit within ${STOP_GRACE_MS} ms of SIGTERM and was killed`
    : code !== 0
      ? `the server at ${server.app.baseURL} exited with code ${code} on SIGTERM`
      : null;
  if (trouble || testInfo.status !== testInfo.expectedStatus) await attachOutput(server, testInfo);
  if (trouble && fail) throw new Error(`${trouble}\n${tail(server.app.output(), 12)}`);
  return trouble ? `${trouble}\n${tail(server.app.output(), 12)}` : null;
}

type Fixtures = {
  /** More environment for this test's server, such as `{ TICKETS_RETENTION: "maxlen:100" }` (`test.use({ appEnv })`). */
  appEnv: Record<string, string>;
  app: RunningApp;
  launch: Launch;
  redisCli: RedisCli;
  /** Signs a person in against this test's server and returns their cookies (see {@link signInState}). */
  signIn: (username: string, password: string) => Promise<StorageState>;
  /** Opens a page in a fresh browser context; closed after the test, and its uncaught errors fail the test too. */
  openPage: OpenPage;
};

// Fixture callbacks name their continuation `provide`: the React hooks lint rule mistakes `use` for React's.
export const test = base.extend<Fixtures>({
  appEnv: [{}, { option: true }],
  app: async ({ playwright, appEnv }, provide, testInfo) => {
    const server = await startApp(playwright.request, { env: appEnv });
    try {
      await provide(server.app);
    } finally {
      await stopStrictly(server, testInfo);
    }
  },
  // An uncaught exception in the desk is a bug even when what the test looks at still works.
  page: async ({ page }, provide) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.stack ?? error.message));
    await provide(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  },
  launch: async ({ playwright }, provide, testInfo) => {
    const started: StartedApp[] = [];
    await provide(async (options) => {
      const server = await startApp(playwright.request, options);
      started.push(server);
      const port = Number(new URL(server.app.baseURL).port);
      return {
        ...server.app,
        port,
        async crash() {
          server.signal("SIGKILL", true);
          await server.exit;
          // Wait until nothing answers on the port, so the server can be started there anew.
          await waitFor(
            async () =>
              !(await fetch(`${server.app.baseURL}/api/health`).then(
                () => true,
                () => false,
              )),
            STOP_GRACE_MS,
            "the killed server still answers",
          );
        },
        async terminate() {
          const began = performance.now();
          server.signal("SIGTERM");
          const { code, signal } = await server.exit;
          return { code, signal, ms: performance.now() - began };
        },
      };
    });
    // A server the test crashed or terminated itself has exited already: the test judged that exit.
    const troubles: string[] = [];
    for (const server of started) {
      const trouble = server.running() ? await stopStrictly(server, testInfo, false) : null;
      if (trouble) troubles.push(trouble);
      else if (testInfo.status !== testInfo.expectedStatus) await attachOutput(server, testInfo);
    }
    expect(troubles, "servers that did not stop cleanly on SIGTERM").toEqual([]);
  },
  baseURL: async ({ app }, provide) => provide(app.baseURL),
  storageState: async ({ app }, provide) => provide(app.storageState),
  redisCli: async ({ app }, provide) => {
    const cli = ((...args: string[]) => redisCliArgs(app.redisPort, args)) as RedisCli;
    cli.typed = (...lines: string[]) => redisCliTyped(app.redisPort, lines);
    await provide(cli);
  },
  signIn: async ({ app, playwright }, provide) => {
    await provide((username, password) => signInState(playwright.request, app.baseURL, username, password));
  },
  openPage: async ({ browser }, provide) => {
    const contexts: BrowserContext[] = [];
    const errors: string[] = [];
    await provide(async (state) => {
      const context = await browser.newContext({ storageState: state ?? { cookies: [], origins: [] } });
      contexts.push(context);
      const page = await context.newPage();
      page.on("pageerror", (error) => errors.push(error.stack ?? error.message));
      return page;
    });
    for (const context of contexts) await context.close();
    expect(errors, "uncaught errors in the other pages").toEqual([]);
  },
});

export { expect };
