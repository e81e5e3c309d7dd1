import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { io } from "socket.io-client";
import { expect, test } from "./fixtures";
import { ROOT } from "./support/env";

// The fixture always signs in, so every other spec would pass just as well if sign-in were not needed at
// all. This one is the proof that it is. Pages and routes are read from app/ itself, so a new one cannot
// be forgotten here.

const APP = join(ROOT, "app");

/** Every file under `dir`, as paths relative to app/ with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [relative(APP, join(dir, entry.name)).split(sep).join("/")],
  );
}

/** A route folder as a URL path, with a plausible value for each `[param]`. */
function urlPath(folder: string): string {
  const path = folder.replace(/\[[^\]]+\]/g, (param) => (/id|Id/.test(param) ? "1" : "ticketgroup"));
  return `/${path}`.replace(/\/$/, "") || "/";
}

const files = filesUnder(APP);
const PAGES = files
  .filter((file) => file.endsWith("page.tsx") && file !== "login/page.tsx")
  .map((file) => urlPath(file.replace(/\/?page\.tsx$/, "")));
const ROUTES = files
  .filter((file) => file.startsWith("api/") && file.endsWith("/route.ts"))
  .flatMap((file) => {
    const source = readFileSync(join(APP, file), "utf8");
    const methods = [...source.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => match[1]!);
    return methods.map((method) => ({ method, path: urlPath(file.replace(/\/route\.ts$/, "")) }));
  });
// The only doors open without a session (README: Staff and access): the health check, signing in, and
// signing out (which only ends a session if there is one).
const PUBLIC = new Set(["GET /api/health", "POST /api/session", "DELETE /api/session"]);

test("a signed-out browser is sent to sign-in from every page, and every API route but the public ones answers 401", async ({
  openPage,
  app,
}) => {
  expect(PAGES).toEqual(
    expect.arrayContaining(["/", "/groups", "/groups/ticketgroup", "/staff", "/audit", "/search", "/screenings", "/program"]),
  );
  expect(ROUTES.length).toBeGreaterThan(30);

  const page = await openPage(null);
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page, `${path} let a signed-out browser in`).toHaveURL(`${app.baseURL}/login?next=${encodeURIComponent(path)}`);
    await expect(page.getByRole("heading", { name: "Sign in to StreamDesk" })).toBeVisible();
    await expect(page.getByTestId("link-state")).toHaveCount(0);
  }

  // Plain fetches with no cookie; a browser's own origin, so only the missing session is on trial.
  const answers: Record<string, number> = {};
  for (const { method, path } of ROUTES) {
    const key = `${method} ${path}`;
    if (PUBLIC.has(key)) continue;
    const response = await fetch(`${app.baseURL}${path}`, {
      method,
      headers: { origin: app.baseURL, "content-type": "application/json" },
      body: method === "GET" ? undefined : "{}",
      redirect: "manual",
    });
    answers[key] = response.status;
    if (response.status === 401)
      expect((await response.json()) as { error?: string }).toEqual({ error: expect.stringMatching(/sign in/i) });
  }
  expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((key) => [key, 401])));
  expect(Object.keys(answers)).toEqual(
    expect.arrayContaining(["GET /api/tickets", "POST /api/tickets", "GET /api/tickets/export.csv", "GET /api/retention"]),
  );

  // The live link refuses a browser without a session, too.
  const socket = io(app.baseURL, { transports: ["websocket"], reconnection: false, extraHeaders: { origin: app.baseURL } });
  try {
    const refusal = await new Promise<string>((resolve, reject) => {
      socket.once("connect", () => reject(new Error("a socket without a session was let onto the live link")));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    expect(refusal).toMatch(/sign in/i);
  } finally {
    socket.close();
  }
});
