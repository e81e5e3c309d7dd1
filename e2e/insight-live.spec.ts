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
