import { join } from "node:path";
import { expect, test } from "./fixtures";
import { feedEntries } from "./support/desk";
import { openLive } from "./support/groups";
import { expectSearchDone, screeningCard, searchFor, searchResult, xaddMany } from "./support/insight";

// A busy evening: six screenings (one sold out, one almost full) sold over the last hour, a printing
// group behind on a stream longer than the retention policy keeps. The test checks what a shift lead sees
// on a laptop screen and leaves screenshots of each page in the test's output folder.
const SCREENINGS: [movieId: string, sessionId: string, sold: number][] = [
  ["7", "1", 12],
  ["53", "832", 172],
  ["53", "833", 64],
  ["54", "900", 120],
  ["54", "930", 31],
  ["61", "1400", 200],
];
const NAMES = [
  "Jim Crews",
  "Beth Harmon",
  "Alma Wheatley",
  "Vasily Borgov",
  "Arthur Crews",
  "Harry Beltik",
  "Benny Watts",
  "Jolene",
  "Townes",
  "Cleo",
];
const ROWS = "ABCDEFGHIJ";
/** How far back the sales go; the desk's chart shows the last hour. */
const SPREAD_MS = 30 * 60_000;

test.use({ appEnv: { TICKETS_RETENTION: "maxlen:500" }, viewport: { width: 1440, height: 900 } });

test("a shift lead's laptop: the desk keeps the form, chart and feed in view; board, search and refund dialog read well", async ({
  page,
  app,
  redisCli,
}, testInfo) => {
  test.setTimeout(120_000);
  const sales = SCREENINGS.flatMap(([movieId, sessionId, sold]) =>
    Array.from({ length: sold }, (_, n) => [movieId, sessionId, `${ROWS[Math.floor(n / 20)]}${(n % 20) + 1}`] as const),
  );
  // Spread over the SPREAD_MS before now, busier towards the start of the screenings, in a fixed shuffle.
  // The chart's hour is the server's, so the browser's clock cannot be frozen for it; instead the oldest
  // sale sits HOUR_MS - SPREAD_MS inside the hour, which a slow run on loaded cores never uses up.
  const shuffled = sales.map((sale, i) => ({ sale, key: (i * 7919) % sales.length })).sort((a, b) => a.key - b.key);
  const start = Date.now() - SPREAD_MS;
  const times = shuffled.map((_, i) => start + Math.round(SPREAD_MS * Math.sqrt(i / shuffled.length)));
  await xaddMany(
    app.redisPort,
    app.stream,
    shuffled.length,
    (i) => {
      const [movieId, sessionId, seat] = shuffled[i]!.sale;
      return ["name", NAMES[i % NAMES.length]!, "seat", seat, "movieId", movieId, "sessionId", sessionId];
    },
    (i) => `${times[i]}-${i}`,
  );
  await redisCli("XGROUP", "CREATE", app.stream, "printing", "0");
  await redisCli("XREADGROUP", "GROUP", "printing", "printer-1", "COUNT", "40", "STREAMS", app.stream, ">");

  // The board, before any write through the app trims the stream.
  await openLive(page, "/screenings");
  await expect(screeningCard(page, "61", "1400")).toHaveAttribute("data-state", "sold-out");
  await expect(screeningCard(page, "61", "1400")).toContainText("Sold out");
  await expect(screeningCard(page, "53", "832")).toHaveAttribute("data-state", "almost-full");
  await expect(screeningCard(page, "53", "833")).toHaveAttribute("data-state", "open");
  await expect(page.getByTestId("retention-warning")).toContainText("printing");
  await expect(page.getByTestId("stream-length")).toHaveText("599");
  await expect(page.getByTestId("retention")).toContainText("500");
  await page.screenshot({ path: join(testInfo.project.outputDir, "screenings.png"), fullPage: true });
  // The same warning heads the groups page, linking to the group.
  await openLive(page, "/groups");
  await expect(page.getByTestId("retention-warning").getByRole("link", { name: "printing" })).toHaveAttribute("href", "/groups/printing");

  // The desk on a 1440×900 laptop: form, seat map, chart and a screenful of feed, nothing pushed off.
  await page.goto("/?movieId=53&sessionId=832");
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("chart-total-sales")).toHaveText("599");
  await expect(page.getByTestId("seats-free")).toHaveText("28 of 200 free");
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1366, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(page.getByRole("button", { name: "Sell ticket" })).toBeInViewport();
    await expect(page.getByTestId("sales-chart")).toBeInViewport({ ratio: 1 });
    await expect(feedEntries(page).nth(2)).toBeInViewport();
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(testInfo.project.outputDir, "desk.png") });

  // A search, with a refund among the results.
  await page.goto("/search");
  await searchFor(page, { Name: "beth", Movie: "53" });
  await expectSearchDone(page);
  const first = page.getByTestId("search-result").first();
  const saleId = (await first.getAttribute("data-entry-id"))!;
  await first.getByRole("button", { name: "Refund" }).click();
  const dialog = page.getByRole("dialog", { name: "Refund this ticket?" });
  await expect(dialog).toContainText("Beth Harmon");
  await page.screenshot({ path: join(testInfo.project.outputDir, "refund-dialog.png") });
  await dialog.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(searchResult(page, saleId)).toContainText("Refunded");
  await expect(page.locator('[data-testid="search-result"][data-kind="refund"]')).toHaveCount(1);
  await page.screenshot({ path: join(testInfo.project.outputDir, "search.png"), fullPage: true });

  await page.goto("/?movieId=53&sessionId=832");
  await expect(page.getByTestId("chart-total-refunds")).toHaveText("1");
  await expect(page.getByTestId("seats-free")).toHaveText("29 of 200 free");
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(testInfo.project.outputDir, "desk-after-refund.png") });
});
