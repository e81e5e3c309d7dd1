import { Redis } from "ioredis";
import { expect, test } from "./fixtures";
import { openDesk, STREAM_ID_LINE } from "./support/desk";
import { openLive } from "./support/groups";
import { screeningCard, soldCount } from "./support/insight";

const xadd = (stream: string, name: string, seat: string, movieId: string, sessionId: string) =>
  `XADD ${stream} * name "${name}" seat "${seat}" movieId ${movieId} sessionId ${sessionId}`;

const idMs = (id: string) => Number(id.split("-")[0]);

/** How many of `ids` fall into the minute that holds `now`. */
const inMinute = (ids: string[], now: number) => ids.filter((id) => Math.floor(idMs(id) / 60_000) === Math.floor(now / 60_000)).length;

test("the desk's sales chart counts redis-cli XADDs live, per minute and per hour", async ({ page, app, redisCli }) => {
  await openDesk(page);
  const chart = page.getByTestId("sales-chart");
  await expect(chart.getByRole("img")).toBeVisible();
  await expect(chart.getByTestId("chart-total-sales")).toHaveText("0");
  await expect(chart.getByTestId("chart-current-sales")).toHaveText("0");
  // uPlot drew its canvas into the chart (created once, then fed new data).
  await expect(chart.locator("canvas")).toHaveCount(1);

  const ids = await redisCli.typed(
    xadd(app.stream, "Jim Crews", "B12", "53", "832"),
    xadd(app.stream, "Arthur Crews", "B13", "53", "832"),
    xadd(app.stream, "Beth Harmon", "B11", "53", "833"),
  );
  expect(ids).toEqual([
    expect.stringMatching(STREAM_ID_LINE),
    expect.stringMatching(STREAM_ID_LINE),
    expect.stringMatching(STREAM_ID_LINE),
  ]);

  await expect(chart.getByTestId("chart-total-sales")).toHaveText("3");
  // "This minute" is the minute the clock is in: read both at once, so a minute ending mid-test is no flake.
  await expect
    .poll(async () => {
      const shown = Number(await chart.getByTestId("chart-current-sales").textContent());
      return shown === inMinute(ids, Date.now());
    })
    .toBe(true);
  await expect(chart.getByTestId("chart-total-refunds")).toHaveText("0");

  await chart.getByRole("button", { name: "Per hour" }).click();
  await expect(chart.getByRole("button", { name: "Per hour" })).toHaveAttribute("aria-pressed", "true");
  await expect(chart.getByTestId("chart-total-sales")).toHaveText("3");
  await expect(chart.locator("canvas")).toHaveCount(1);

  // A reload reads the server's counters (kept by the feed indexer), not the tab's: still 3, then 4.
  await page.reload();
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  await expect(chart.getByTestId("chart-total-sales")).toHaveText("3");
  await redisCli.typed(xadd(app.stream, "Alma Wheatley", "C1", "54", "900"));
  await expect(chart.getByTestId("chart-total-sales")).toHaveText("4");
});

test("the screenings board counts sales live, ignores double-bookings and opens a seat map", async ({ page, app, redisCli }) => {
  await redisCli.typed(xadd(app.stream, "Jim Crews", "B12", "53", "832"));
  await openLive(page, "/screenings");
  await expect(soldCount(page, "53", "832")).toHaveText("1");
  await expect(screeningCard(page, "53", "832").getByTestId("seats-left")).toHaveText("199");
  await expect(screeningCard(page, "53", "833")).toHaveCount(0);

  await redisCli.typed(xadd(app.stream, "Arthur Crews", "B13", "53", "832"), xadd(app.stream, "Beth Harmon", "B11", "53", "833"));
  await expect(soldCount(page, "53", "832")).toHaveText("2");
  await expect(soldCount(page, "53", "833")).toHaveText("1");

  // A second claim on B12 is a double-booking: it holds no seat, so the count stays.
  await redisCli.typed(xadd(app.stream, "Vasily Borgov", "B12", "53", "832"), xadd(app.stream, "Alma Wheatley", "A1", "7", "1"));
  await expect(soldCount(page, "7", "1")).toHaveText("1");
  await expect(soldCount(page, "53", "832")).toHaveText("2");
  await expect(screeningCard(page, "53", "832").getByTestId("seats-left")).toHaveText("198");

  // Sorted by movie, then session, numerically.
  const order = await page
    .getByTestId("screening")
    .evaluateAll((cards) => cards.map((card) => `${card.dataset.movie}/${card.dataset.session}`));
  expect(order).toEqual(["7/1", "53/832", "53/833"]);

  // The server's own figures agree after a reload.
  await page.reload();
  await expect(soldCount(page, "53", "832")).toHaveText("2");

  await screeningCard(page, "53", "832").getByRole("button").click();
  const dialog = page.getByRole("dialog", { name: "movie 53 · session 832" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "B12 sold" })).toBeDisabled();
  await expect(dialog.getByRole("button", { name: "B13 sold" })).toBeDisabled();
  await expect(dialog.getByTestId("seats-free")).toHaveText("198 of 200 free");
  // Picking a free seat opens the desk with that screening and seat filled in.
  await dialog.getByRole("button", { name: "C5 free" }).click();
  await expect(page).toHaveURL(/\/\?movieId=53&sessionId=832&seat=C5$/);
  await expect(page.getByLabel("Seat", { exact: true })).toHaveValue("C5");
  await expect(page.getByLabel("Movie", { exact: true })).toHaveValue("53");
});

test("in a flood the board's counts move a few times a second, not with every batch, and end exact; the next sale shows at once", async ({
  page,
  app,
}) => {
  // Sale i: seat i of 200 in session 1 + i / 200 of movie 61, so no two sales claim one seat.
  const fields = (i: number) => {
    const seat = i % 200;
    return [
      "name",
      `Flood ${i}`,
      "seat",
      `${String.fromCharCode(65 + Math.floor(seat / 20))}${(seat % 20) + 1}`,
      "movieId",
      "61",
      "sessionId",
      String(1 + Math.floor(i / 200)),
    ];
  };
  const redis = new Redis({ port: app.redisPort, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  try {
    await redis.xadd(app.stream, "*", ...fields(0));
    await openLive(page, "/screenings");
    const summary = page.getByText(/ seats sold · /);
    await expect(summary).toContainText("1 seats sold");
    // Every change of the total a person could see, with when it happened.
    await summary.evaluate((element) => {
      const seen: number[] = [];
      const totalOf = () => element.textContent?.split(" seats sold")[0] ?? null;
      let last = totalOf();
      new MutationObserver(() => {
        const total = totalOf();
        if (total !== last) seen.push(performance.now());
        last = total;
      }).observe(element, { subtree: true, childList: true, characterData: true });
      (window as unknown as { totalChanges: number[] }).totalChanges = seen;
    });

    // 1,600 sales a second for two seconds, in batches of 40.
    const FLOOD = 3200;
    const started = Date.now();
    for (let i = 1; i <= FLOOD;) {
      const pipeline = redis.pipeline();
      for (const end = i + 40; i < end; i++) pipeline.xadd(app.stream, "*", ...fields(i));
      await pipeline.exec();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i / 1600) * 1000 - Date.now())));
    }
    await expect(summary).toContainText(`${(FLOOD + 1).toLocaleString("en-US")} seats sold`);
    await expect(screeningCard(page, "61", "16").getByTestId("sold-count")).toHaveText("200");
    await expect(screeningCard(page, "61", "17").getByTestId("sold-count")).toHaveText("1");
    // About four times a second while the flood lasts (two seconds and the time to catch up), where ten
    // would leave a person nothing more to read.
    const changes = await page.evaluate(() => (window as unknown as { totalChanges: number[] }).totalChanges);
    const seconds = (changes.at(-1)! - changes[0]!) / 1000;
    expect(changes.length, `${changes.length} changes in ${seconds.toFixed(1)} s`).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 1);
    expect(changes.length).toBeGreaterThanOrEqual(Math.floor(seconds * 2));

    // Once the flood is over a single sale shows in the next frames again.
    await page.waitForTimeout(500);
    await redis.xadd(app.stream, "*", ...fields(FLOOD + 1));
    await expect(summary).toContainText(`${(FLOOD + 2).toLocaleString("en-US")} seats sold`, { timeout: 1000 });
  } finally {
    redis.disconnect();
  }
});
