import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { GROUP, openLive } from "./support/groups";
import { searchFor } from "./support/insight";

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** The rules every page must pass: axe-core's WCAG 2.x A and AA tags. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Violations a person would be blocked or badly slowed by; "minor" and "moderate" are left to review. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .map((node) => node.target.join(" "))
          .slice(0, 3)
          .join(", ")}`,
    );
}

test.use({ viewport: { width: 1440, height: 900 } });

test("every page, signed in as a supervisor with data on it, has no serious or critical accessibility violations", async ({
  page,
  app,
  redisCli,
}) => {
  test.setTimeout(120_000);
  const put = async (path: string, data: unknown) => expect((await page.request.put(`${app.baseURL}${path}`, { data })).status()).toBe(201);
  await put("/api/program/movies/53", { title: "Dune: Part Two", runtimeMinutes: 166 });
  await put("/api/program/halls/2", {
    name: "Hall 2",
    rows: [
      { row: "A", seats: 8, aisles: [4], wheelchair: [1] },
      { row: "B", seats: 8, aisles: [4] },
    ],
  });
  await put("/api/program/showings/832", { movieId: 53, hallId: "2", startsAt: inMinutes(90), price: 1250 });
  const sold = await page.request.post(`${app.baseURL}/api/tickets`, {
    data: { name: "The Crews family", seats: ["B1", "B2"], movieId: 53, sessionId: 832 },
  });
  expect(sold.status()).toBe(201);
  const created = await page.request.post(`${app.baseURL}/api/groups`, { data: { name: GROUP, start: "0" } });
  expect(created.status()).toBe(201);
  // Two messages pending with a consumer, so the group page has rows, dialogs and filters to check.
  await redisCli("XREADGROUP", "GROUP", GROUP, "printer-1", "COUNT", "2", "STREAMS", app.stream, ">");

  const pages: { path: string; ready: (page: Page) => Promise<void> }[] = [
    { path: "/", ready: async (p) => expect(p.getByTestId("feed-entry").first()).toBeVisible() },
    { path: "/screenings", ready: async (p) => expect(p.getByTestId("sold-count").first()).toHaveText("2") },
    { path: "/program", ready: async (p) => expect(p.getByText("Dune: Part Two").first()).toBeVisible() },
    { path: "/groups", ready: async (p) => expect(p.getByText(GROUP).first()).toBeVisible() },
    { path: `/groups/${GROUP}`, ready: async (p) => expect(p.getByTestId("pending-entry").first()).toBeVisible() },
    {
      path: "/search",
      ready: async (p) => {
        await searchFor(p, { Name: "Crews" });
        await expect(p.getByTestId("search-result").first()).toBeVisible();
      },
    },
    { path: "/audit", ready: async (p) => expect(p.getByText("group.create").first()).toBeVisible() },
    { path: "/staff", ready: async (p) => expect(p.getByText("admin").first()).toBeVisible() },
    { path: "/account/password", ready: async (p) => expect(p.getByLabel("Current password")).toBeVisible() },
  ];
  const found: string[] = [];
  for (const { path, ready } of pages) {
    await openLive(page, path);
    await ready(page);
    found.push(...(await seriousViolations(page)).map((line) => `${path}: ${line}`));
  }

  // A dialog open over the group page, and the sign-in page signed out.
  await openLive(page, `/groups/${GROUP}`);
  await page.getByRole("button", { name: "Claim", exact: true }).first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  found.push(...(await seriousViolations(page)).map((line) => `claim dialog: ${line}`));
  await page.context().clearCookies();
  await page.goto("/login");
  await expect(page.getByLabel("Username")).toBeVisible();
  found.push(...(await seriousViolations(page)).map((line) => `/login: ${line}`));

  expect(found).toEqual([]);
});

// The seat map with the keyboard alone is e2e/desk-program.spec.ts ("four seats by keyboard alone").
test("the claim dialog opens, takes focus and closes with the keyboard alone, handing focus back", async ({ page, app, redisCli }) => {
  await redisCli("XADD", app.stream, "*", "name", "Ada", "seat", "A1", "movieId", "53", "sessionId", "832");
  const created = await page.request.post(`${app.baseURL}/api/groups`, { data: { name: GROUP, start: "0" } });
  expect(created.status()).toBe(201);
  await redisCli("XREADGROUP", "GROUP", GROUP, "printer-1", "COUNT", "1", "STREAMS", app.stream, ">");
  await openLive(page, `/groups/${GROUP}`);
  const claim = page.getByRole("button", { name: "Claim", exact: true }).first();
  await claim.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect.poll(() => dialog.evaluate((node) => node.contains(document.activeElement))).toBe(true);
  // The page behind is inert: Tab moves among the dialog's controls (and, past the last, to the browser's own UI), never to the page.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    const where = await dialog.evaluate((node) =>
      node.contains(document.activeElement) ? "dialog" : document.activeElement === document.body ? "browser" : "page",
    );
    expect(where).not.toBe("page");
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(claim).toBeFocused();
});
