// `npm run screenshots`: refreshes the pictures in docs/. Builds when the build is stale, starts a
// redis-server of its own on a free port and the production server (`npm start`'s script) against it,
// imports examples/program.json moved to today, sells through the API, the desk and redis-cli, runs the
// workers, and photographs each page as a signed-in supervisor sees it. Nothing touches the Redis on 6379.
import { childEnv } from "../harness/env";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { field } from "../e2e/support/desk";
import { ROOT } from "../e2e/support/env";
import { groupCard } from "../e2e/support/groups";
import { freePort } from "../harness/ports";
import { startRedisServer } from "../harness/redis-server";
import { exited, redisCliArgs, waitFor } from "../e2e/support/processes";
import { buildIfStale } from "./build";

const DOCS = join(ROOT, "docs");
const STREAM = "tickets";
const ADMIN = { username: "admin", password: "screenshots-admin-password" };
const SELLER = { username: "ann", password: "screenshots-seller-password" };
const VIEWPORT = { width: 1440, height: 900 };
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Showing {
  sessionId: string;
  movieId: string;
  hallId: string;
  startsAt: string;
}

function say(line: string): void {
  process.stdout.write(`screenshots: ${line}\n`);
}

/** examples/program.json with its first day moved to today, each showing keeping its time of day (as `npm run demo` does). */
function programForToday(): { showings: Showing[] } {
  const doc = JSON.parse(readFileSync(join(ROOT, "examples", "program.json"), "utf8")) as { showings: Showing[] };
  const first = Math.min(...doc.showings.map((s) => Date.parse(s.startsAt.slice(0, 10))));
  const shift = Date.parse(new Date().toISOString().slice(0, 10)) - first;
  return { ...doc, showings: doc.showings.map((s) => ({ ...s, startsAt: new Date(Date.parse(s.startsAt) + shift).toISOString() })) };
}

/** A JSON request to the app as `cookie`; throws with the answer unless it is a 2xx. */
async function call(base: string, cookie: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers: { cookie, origin: base, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function signIn(base: string, who: { username: string; password: string }): Promise<string> {
  const response = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify(who),
  });
  if (response.status !== 204) throw new Error(`signing in as ${who.username} answered ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

function startNode(args: string[], env: Record<string, string>): ChildProcess {
  // node itself with tsx as a loader, so SIGTERM reaches the process's own shutdown.
  return spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: childEnv(env), stdio: ["ignore", "ignore", "inherit"] });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill("SIGCONT");
  child.kill("SIGTERM");
  if (!(await exited(child, 5000))) child.kill("SIGKILL");
}

async function openLive(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('[data-testid="link-state"][data-state="live"]').waitFor();
}

/** Lets charts, live counts and fonts settle before the picture. */
async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(DOCS, name), fullPage });
  say(`wrote docs/${name}`);
}

async function main(): Promise<void> {
  buildIfStale(ROOT);
  const redis = await startRedisServer({ appendonly: true });
  const outDir = mkdtempSync(join(tmpdir(), "streamdesk-screenshots-tickets-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    TICKETS_STREAM: STREAM,
    STREAMDESK_ADMIN_PASSWORD: ADMIN.password,
    STREAMDESK_SECRET: "screenshots-session-secret-0123456789",
    WORKER_OUT_DIR: outDir,
    // Small enough that the next trim would drop what ticketgroup still holds, so the warning shows;
    // `~` trims whole blocks only, so with this few entries nothing is really dropped.
    TICKETS_RETENTION: "maxlen:60",
    LOG_LEVEL: "warn",
  };
  const children: ChildProcess[] = [];
  const cli = (...args: string[]) => redisCliArgs(redis.port, args);
  try {
    children.push(startNode(["scripts/start.ts"], env));
    await waitFor(async () => (await fetch(`${base}/api/health`)).ok, 60_000, "the app did not answer /api/health within 60 s");
    const admin = await signIn(base, ADMIN);
    await call(base, admin, "POST", "/api/program/import", programForToday());
    await call(base, admin, "POST", "/api/staff", { ...SELLER, role: "seller" });
    await call(base, admin, "POST", "/api/staff", { username: "ben", password: "screenshots-ben-password", role: "supervisor" });
    await call(base, admin, "PATCH", "/api/staff/ben", { disabled: true });
    // A new account must choose its own password before it may sell.
    const seller = await signIn(base, SELLER);
    await call(base, seller, "POST", "/api/session/password", { currentPassword: SELLER.password, newPassword: `${SELLER.password}-2` });

    const workerEnv = { ...env, WORKER_RECLAIM_MS: "1000", WORKER_CLAIM_IDLE_MS: "5000" };
    const printers = [startNode(["workers/index.ts", "tickets"], workerEnv), startNode(["workers/index.ts", "tickets"], workerEnv)];
    children.push(...printers, startNode(["workers/index.ts", "accounting"], workerEnv));

    // Sales on the showings still selling, soonest first: a working evening.
    const closeMs = 15 * 60_000;
    const open = programForToday()
      .showings.filter((s) => Date.parse(s.startsAt) + closeMs > Date.now())
      .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    const hall2 = open.find((s) => s.hallId === "2");
    const [first, second, third] = open.filter((s) => s !== hall2);
    if (!first || !second || !third || !hall2) throw new Error("examples/program.json has too few showings left today and tomorrow");
    const sell = (cookie: string, s: Showing, name: string, seats: string[]) =>
      call(base, cookie, "POST", "/api/tickets", { name, seats, movieId: s.movieId, sessionId: s.sessionId }) as Promise<{ ids: string[] }>;
    // A class filling most of a small hall, so the board marks it almost full.
    for (const row of ["A", "B", "C", "D", "E"]) {
      await sell(
        admin,
        hall2,
        `Oak Primary, row ${row}`,
        Array.from({ length: 10 }, (_, i) => `${row}${i + 1}`),
      );
    }
    await sell(admin, first, "Grace Hopper", ["E5", "E6"]);
    await sell(seller, first, "Ada Lovelace", ["F3", "F4", "F5", "F6"]);
    await sell(seller, second, "Alan Turing", ["C2"]);
    const hopper = await sell(seller, second, "Grace Hopper", ["B3"]);
    await sell(admin, third, "Katherine Johnson", ["D4", "D5"]);
    await sell(seller, third, "Barbara Liskov", ["A3", "A4"]);
    // Other programs append straight to the stream: one for a showing of the programme, one outside it.
    await cli("XADD", STREAM, "*", "name", "Edsger Dijkstra", "seat", "B7", "movieId", first.movieId, "sessionId", first.sessionId);
    await cli("XADD", STREAM, "*", "name", "Jim Crews", "seat", "B12", "movieId", "99", "sessionId", "1");
    await call(base, admin, "POST", `/api/tickets/${hopper.ids[0]}/refund`);

    // The tutorial's consumer group, with messages delivered to two consumers and not yet acknowledged.
    await call(base, admin, "POST", "/api/groups", { name: "ticketgroup", start: "0" });
    await call(base, admin, "POST", "/api/groups/ticketgroup/read", { consumer: "consumer-1", count: 3 });
    await call(base, admin, "POST", "/api/groups/ticketgroup/read", { consumer: "consumer-2", count: 2 });

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ baseURL: base, viewport: VIEWPORT });
      const page = await context.newPage();
      await page.goto("/login");
      await page.getByLabel("Username").fill(ADMIN.username);
      await page.getByLabel("Password").fill(ADMIN.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${base}/`);

      // The desk: one sale through the form, its ticket printed, then the next buyer mid-sale.
      await openLive(page, "/");
      await field(page, "Name").fill("Ken Thompson");
      const picker = page.getByRole("combobox", { name: "Screening" });
      await picker.fill("hall 1");
      await page.getByRole("listbox", { name: "Screenings" }).getByRole("option").first().click();
      for (const seat of ["G4", "G5"]) await page.getByRole("button", { name: `${seat} free`, exact: true }).click();
      await page.getByRole("button", { name: "Sell 2 tickets", exact: true }).click();
      const sold = /\b\d+-\d+\b/.exec((await page.getByRole("status").filter({ hasText: "Ken Thompson" }).textContent()) ?? "")?.[0];
      if (!sold) throw new Error("the desk did not name the new entry");
      await page.locator(`[data-testid="feed-entry"][data-entry-id="${sold}"] [data-testid="print-ticket"]`).waitFor({ timeout: 20_000 });
      await shoot(page, "desk-print-ticket.png");
      await field(page, "Name").fill("Dennis Ritchie");
      for (const seat of ["H5", "H6", "H7"]) await page.getByRole("button", { name: `${seat} free`, exact: true }).click();
      await field(page, "Name").focus();
      await shoot(page, "desk.png");

      const ticket = await context.newPage();
      await ticket.goto(`/api/tickets/${sold}/ticket.html`);
      await ticket.locator(".ticket").screenshot({ path: join(DOCS, "ticket.png") });
      say("wrote docs/ticket.png");
      await ticket.close();

      await openLive(page, "/program");
      await shoot(page, "program.png");
      await page.getByRole("region", { name: "Halls" }).screenshot({ path: join(DOCS, "program-halls.png") });
      say("wrote docs/program-halls.png");

      await openLive(page, "/screenings");
      await page.getByTestId("screening").first().waitFor();
      await page.getByTestId("at-risk-group").first().waitFor({ timeout: 20_000 });
      await shoot(page, "screenings.png");

      await openLive(page, "/search");
      await page.getByLabel("Name", { exact: true }).fill("hopper");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByTestId("search-result").nth(2).waitFor();
      await shoot(page, "search.png", true);

      await openLive(page, "/groups");
      await groupCard(page, "printing").waitFor();
      await shoot(page, "groups.png", true);

      await openLive(page, "/groups/ticketgroup");
      await page.getByTestId("pending-entry").nth(4).waitFor();
      await shoot(page, "group.png");

      await openLive(page, "/staff");
      await shoot(page, "staff.png", true);
      await openLive(page, "/audit");
      await shoot(page, "audit.png");

      // The printers frozen: they still receive what their blocked reads asked for, but never ack it.
      for (const printer of printers) printer.kill("SIGSTOP");
      for (let i = 1; i <= 6; i++) {
        await cli("XADD", STREAM, "*", "name", `Guest ${i}`, "seat", `C${i}`, "movieId", third.movieId, "sessionId", third.sessionId);
      }
      // A frozen printer's blocking read may have timed out before the entries came, so a third printer that
      // reads them and never acks stands for it: what /groups shows either way.
      await cli("XREADGROUP", "GROUP", "printing", "printer-stuck", "COUNT", "6", "STREAMS", STREAM, ">");
      await openLive(page, "/groups");
      await page.waitForFunction(
        () => document.querySelector('[data-group="printing"] [data-testid="pending-count"]')?.textContent !== "0",
      );
      await shoot(page, "groups-workers.png", true);
    } finally {
      await browser.close();
    }
  } finally {
    for (const child of children.reverse()) await stop(child);
    await redis.dispose();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
