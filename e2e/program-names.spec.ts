import { join } from "node:path";
import { expect, test } from "./fixtures";
import { feedEntry } from "./support/desk";
import { openLive } from "./support/groups";
import { expectSearchDone, screeningCard, searchFor, searchResult } from "./support/insight";

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

test.use({ viewport: { width: 1440, height: 900 } });

test("the feed, search, the chart and the board read the programme's names; the board shows takings and what starts soon", async ({
  page,
  app,
}, testInfo) => {
  // A programme built through the API as the signed-in supervisor: Dune tonight at 12.50, Arrival in 8 minutes.
  const put = async (path: string, data: unknown) => expect((await page.request.put(`${app.baseURL}${path}`, { data })).status()).toBe(201);
  await put("/api/program/movies/53", { title: "Dune", runtimeMinutes: 155 });
  await put("/api/program/movies/54", { title: "Arrival", runtimeMinutes: 116 });
  await put("/api/program/halls/2", {
    name: "Hall 2",
    rows: [
      { row: "A", seats: 8, aisles: [4] },
      { row: "B", seats: 8, aisles: [4] },
    ],
  });
  await put("/api/program/halls/1", { name: "Hall 1", rows: [{ row: "A", seats: 10 }] });
  await put("/api/program/showings/832", { movieId: 53, hallId: "2", startsAt: inMinutes(120), price: 1250 });
  await put("/api/program/showings/900", { movieId: 54, hallId: "1", startsAt: inMinutes(8) });

  await openLive(page, "/");
  const sold = await page.request.post(`${app.baseURL}/api/tickets`, {
    data: { name: "The Crews family", seats: ["B1", "B2"], movieId: 53, sessionId: 832 },
  });
  expect(sold.status()).toBe(201);
  const { ids } = (await sold.json()) as { ids: string[] };
  const outside = await page.request.post(`${app.baseURL}/api/tickets`, {
    data: { name: "Walk-in", seat: "C3", movieId: 7, sessionId: 9 },
  });
  expect(outside.status()).toBe(201);
  const { id: walkIn } = (await outside.json()) as { id: string };

  // The live feed names the showing; an entry outside the programme keeps its ids.
  for (const id of ids) await expect(feedEntry(page, id).getByTestId("entry-screening")).toHaveText(/^Dune · \d\d:\d\d · Hall 2$/);
  await expect(feedEntry(page, ids[0]!).getByTestId("entry-extras")).toHaveText("sold by admin · 12.50");
  await expect(feedEntry(page, walkIn).getByTestId("entry-screening")).toHaveText("movie 7 · session 9");

  // The chart's bar for this minute says which showing sold.
  const plot = page.getByTestId("sales-chart").locator(".u-over");
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
  await expect(page.getByTestId("chart-tooltip")).toContainText("3 sold");
  await expect(page.getByTestId("chart-tooltip-showing").first()).toHaveText(/^Dune · \d\d:\d\d · Hall 2$/);
  await page.screenshot({ path: testInfo.outputPath("desk-names.png") });

  // The board: by day and film, with takings, and a flag on the showing about to start.
  await openLive(page, "/screenings");
  const dune = screeningCard(page, "53", "832");
  await expect(dune.getByTestId("sold-count")).toHaveText("2");
  await expect(dune.getByTestId("seats-left")).toHaveText("12");
  await expect(dune.getByTestId("takings")).toHaveText("25.00");
  await expect(screeningCard(page, "54", "900").getByTestId("starts-soon")).toHaveText(/^Starts in [78] min$/);
  await expect(page.getByTestId("programme-day").first().getByRole("heading", { level: 2 })).toHaveText("Today");
  await expect(page.getByRole("heading", { name: "Not in the programme" })).toBeVisible();
  await expect(screeningCard(page, "7", "9").getByTestId("sold-count")).toHaveText("1");
  // A sale at another desk moves the count and the takings live.
  await page.request.post(`${app.baseURL}/api/tickets`, { data: { name: "Late buyer", seat: "A1", movieId: 53, sessionId: 832 } });
  await expect(dune.getByTestId("takings")).toHaveText("37.50");
  await page.screenshot({ path: join(testInfo.outputDir, "screenings-board.png"), fullPage: true });

  // Search results name the showing too.
  await page.goto("/search");
  await searchFor(page, { Name: "crews" });
  await expectSearchDone(page);
  await expect(searchResult(page, ids[1]!).getByTestId("entry-screening")).toHaveText(/^Dune · \d\d:\d\d · Hall 2$/);
});
