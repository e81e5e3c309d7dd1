import { childEnv } from "../harness/env";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type RunningApp } from "./fixtures";
import { feedEntry, openDesk, sell } from "./support/desk";
import { groupCard, openLive } from "./support/groups";
import { ROOT } from "./support/env";
import { startRedisServer } from "../harness/redis-server";
import { freePort } from "../harness/ports";
import { exited, signalGroup, waitFor } from "./support/processes";

// Shared by the app (which serves the tickets) and the workers (which write them), as on one machine.
const OUT_DIR = mkdtempSync(join(tmpdir(), "streamdesk-e2e-tickets-"));
test.use({ appEnv: { WORKER_OUT_DIR: OUT_DIR }, viewport: { width: 1280, height: 800 } });

const DUNE = "Dune: Part Two";

/** Starts `npm run worker -- <kind>` (as node itself, so a signal reaches the worker) against the test's app stream. */
function startWorkers(app: RunningApp, kinds: ("tickets" | "accounting")[]): ChildProcess[] {
  return kinds.map((kind) =>
    spawn(process.execPath, ["--import", "tsx", "workers/index.ts", kind], {
      cwd: ROOT,
      env: childEnv({
        REDIS_URL: `redis://127.0.0.1:${app.redisPort}`,
        TICKETS_STREAM: app.stream,
        WORKER_OUT_DIR: OUT_DIR,
        WORKER_RECLAIM_MS: "1000",
        WORKER_CLAIM_IDLE_MS: "5000",
        LOG_LEVEL: "warn",
      }),
      stdio: "ignore",
    }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  for (const worker of workers) worker.kill("SIGCONT");
  for (const worker of workers) worker.kill("SIGTERM");
  for (const worker of workers) if (!(await exited(worker, 5000))) worker.kill("SIGKILL");
}

test("with workers running, a sale at the desk gets its Print ticket link within seconds, and the ticket shows its film and seat", async ({
  page,
  app,
  baseURL,
}, testInfo) => {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const programme = {
    movies: [{ movieId: "53", title: DUNE, runtimeMinutes: 166 }],
    halls: [{ hallId: "2", name: "Hall 2", rows: ["A", "B", "C", "D"].map((row) => ({ row, seats: 10 })) }],
    showings: [{ sessionId: "832", movieId: "53", hallId: "2", startsAt: `${tomorrow}T20:30:00Z`, price: 1250 }],
  };
  const imported = await page.request.post("/api/program/import", { data: programme, headers: { origin: baseURL! } });
  expect(imported.status(), await imported.text()).toBe(200);
  const workers = startWorkers(app, ["tickets", "tickets", "accounting"]);
  try {
    await openDesk(page);
    const id = await sell(page, { name: "Ada Lovelace", seat: "C7", movieId: "53", sessionId: "832" });
    const print = feedEntry(page, id).getByTestId("print-ticket");
    await expect(print).toBeVisible({ timeout: 8000 });
    await expect(print).toHaveAttribute("href", `/api/tickets/${id}/ticket.html`);
    await page.screenshot({ path: join(testInfo.outputDir, "desk-print-ticket.png") });

    const [ticket] = await Promise.all([page.context().waitForEvent("page"), print.click()]);
    await ticket.waitForLoadState();
    await expect(ticket.locator('[data-field="film"]')).toHaveText(DUNE);
    await expect(ticket.locator('[data-field="seat"]')).toHaveText("C7");
    await expect(ticket.locator('[data-field="hall"]')).toHaveText("Hall 2");
    await expect(ticket.locator('[data-field="name"]')).toHaveText("Ada Lovelace");
    await expect(ticket.locator('[data-field="price"]')).toHaveText("12.50");
    await expect(ticket.locator(".qr svg")).toBeVisible();
    await ticket.locator(".ticket").screenshot({ path: join(testInfo.outputDir, "ticket.png") });

    const pdf = await page.request.get(`/api/tickets/${id}/ticket.pdf`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  } finally {
    await stopWorkers(workers);
  }
});

test("/groups shows the workers' groups live, with pending counts that move as they stall and resume", async ({
  page,
  app,
  redisCli,
}, testInfo) => {
  const workers = startWorkers(app, ["tickets", "tickets", "accounting"]);
  try {
    await openLive(page, "/groups");
    const printing = groupCard(page, "printing");
    const accounting = groupCard(page, "accounting");
    await expect(printing.getByTestId("consumer-count")).toHaveText("2");
    await expect(accounting.getByTestId("consumer-count")).toHaveText("1");
    await expect(printing.getByTestId("pending-count")).toHaveText("0");

    // Frozen, the tickets workers still receive what their blocked reads asked for, but never ack it.
    for (const worker of workers.slice(0, 2)) worker.kill("SIGSTOP");
    for (let i = 1; i <= 6; i++)
      await redisCli("XADD", app.stream, "*", "name", `Guest ${i}`, "seat", `A${i}`, "movieId", "53", "sessionId", "832");
    await expect(printing.getByTestId("pending-count")).not.toHaveText("0");
    // Nothing is acked while they are frozen: every new entry is either pending (delivered) or lag (not yet).
    const count = async (card: typeof printing, id: string) => Number(await card.getByTestId(id).textContent());
    await expect.poll(async () => (await count(printing, "pending-count")) + (await count(printing, "lag"))).toBe(6);
    await expect(accounting.getByTestId("pending-count")).toHaveText("0");
    await page.screenshot({ path: join(testInfo.outputDir, "groups-workers.png"), fullPage: true });

    for (const worker of workers.slice(0, 2)) worker.kill("SIGCONT");
    await expect(printing.getByTestId("pending-count")).toHaveText("0");
  } finally {
    await stopWorkers(workers);
  }
});

test("with the demo running, /groups shows the workers' groups live, with pending counts that move", async ({ browser }) => {
  test.setTimeout(150_000);
  const redis = await startRedisServer({ appendonly: true });
  const port = await freePort();
  const env = childEnv();
  for (const name of ["REDIS_CLUSTER_NODES", "TICKETS_STREAM", "LOG_LEVEL", "TICKETS_RETENTION", "WORKER_GROUP", "WORKER_CONSUMER"])
    delete env[name];
  Object.assign(env, {
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    STREAMDESK_ADMIN_PASSWORD: "demo-e2e-password",
    STREAMDESK_SECRET: "e2e-session-secret-0123456789abcdef",
    WORKER_OUT_DIR: mkdtempSync(join(tmpdir(), "streamdesk-e2e-demo-tickets-")),
    // A busy evening: enough sales that both groups always have something delivered or on its way.
    DEMO_RATE: "3000",
  });
  // Its own process group, so the app and workers it starts can all be stopped should it fail to.
  const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  demo.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const demoUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => output.includes(`StreamDesk is at ${demoUrl}`), 120_000, `the demo did not start:\n${output.slice(-3000)}`);
    const context = await browser.newContext({ baseURL: demoUrl });
    const signIn = await context.request.post("/api/session", {
      data: { username: "admin", password: "demo-e2e-password" },
      headers: { origin: demoUrl },
    });
    expect(signIn.status()).toBe(204);
    const page = await context.newPage();
    await openLive(page, "/groups");
    const printing = groupCard(page, "printing");
    await expect(printing.getByTestId("consumer-count")).toHaveText("2");
    await expect(groupCard(page, "accounting").getByTestId("consumer-count")).toHaveText("1");

    // Watched without reloading: the printing group's pending count goes up as batches are delivered and back as they are acked.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await printing.getByTestId("pending-count").textContent()) ?? "");
          return seen.size;
        },
        { timeout: 30_000, intervals: [100] },
      )
      .toBeGreaterThanOrEqual(2);
    expect([...seen].some((n) => Number(n) > 0)).toBe(true);
    await context.close();
  } finally {
    demo.kill("SIGTERM");
    if (!(await exited(demo, 8000))) signalGroup(demo.pid!, "SIGKILL");
    await redis.dispose();
  }
});
