import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { openLive } from "./support/groups";
import { expectSearchDone, searchFor, searchResult, xaddMany } from "./support/insight";

const TOTAL = 100_000;
const NEEDLE_AT = 100;

test("a search finds the one matching entry among 100,000 and keeps adding live matches", async ({ page, app, redisCli }) => {
  test.setTimeout(120_000);
  // The needle sits near the start of the stream, so the whole stream is scanned to reach it.
  const ids = await xaddMany(app.redisPort, app.stream, TOTAL, (i) =>
    i === NEEDLE_AT
      ? ["name", "Zelda Needlework", "seat", "C7", "movieId", "53", "sessionId", "832"]
      : ["name", `Buyer ${i}`, "seat", `A${(i % 20) + 1}`, "movieId", String(100 + (i % 50)), "sessionId", String(1 + (i % 7))],
  );
  expect(await redisCli("XLEN", app.stream)).toBe(String(TOTAL));
  const needle = ids[NEEDLE_AT]!;

  await openLive(page, "/search");
  await searchFor(page, { Name: "NEEDLEWORK" });
  await expectSearchDone(page);
  await expect(page.getByTestId("search-result")).toHaveCount(1);
  const row = searchResult(page, needle);
  await expect(row.getByTestId("result-name")).toHaveText("Zelda Needlework");
  await expect(row.getByTestId("result-seat")).toHaveText("C7");
  await expect(row).toContainText(needle);
  await expect(page.getByTestId("search-progress")).toContainText(`${TOTAL.toLocaleString("en-US")} entries scanned`);
  await expect(page.getByRole("progressbar", { name: "Search progress" })).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // New matches join at the top as they are written; others do not.
  const [other = "", second = ""] = await redisCli.typed(
    `XADD ${app.stream} * name "Not Her" seat "D1" movieId 53 sessionId 832`,
    `XADD ${app.stream} * name "zelda needlework" seat "D2" movieId 53 sessionId 832`,
  );
  await expect(searchResult(page, second)).toBeVisible();
  await expect(page.getByTestId("search-result")).toHaveCount(2);
  await expect(searchResult(page, other)).toHaveCount(0);
  const shown = await page.getByTestId("search-result").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-entry-id")));
  expect(shown).toEqual([second, needle]);
});

test("Load more pages through many matches; Cancel stops a scan in flight; the server's refusal is shown", async ({ page, app }) => {
  await xaddMany(app.redisPort, app.stream, 120, (i) => ["name", `Guest ${i}`, "seat", `B${i + 1}`, "movieId", "53", "sessionId", "832"]);
  await openLive(page, "/search");

  await searchFor(page, { Movie: "53" });
  await expect(page.getByTestId("search-result")).toHaveCount(50);
  await expect(page.getByTestId("result-name").first()).toHaveText("Guest 119");
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByTestId("search-result")).toHaveCount(100);
  await page.getByRole("button", { name: "Load more" }).click();
  await expectSearchDone(page);
  await expect(page.getByTestId("search-result")).toHaveCount(120);
  await expect(page.getByTestId("result-name").last()).toHaveText("Guest 0");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // Hold the next request at the network, as a slow scan would be, and cancel it.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/tickets/search?**", async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await searchFor(page, { Movie: "", Name: "guest" });
  await expect(page.getByTestId("search-progress")).toHaveAttribute("data-phase", "scanning");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("search-progress")).toHaveAttribute("data-phase", "cancelled");
  await expect(page.getByTestId("search-progress")).toContainText("Cancelled after");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  release();
  await page.unroute("**/api/tickets/search?**");

  // The server refuses a name over 100 characters, and says why.
  await searchFor(page, { Name: "x".repeat(101) });
  await expect(page.locator('[role="alert"]').filter({ hasText: "name must be at most 100 characters" })).toBeVisible();
});

test("Export CSV downloads the entries matching the filters, header first", async ({ page, app, redisCli }) => {
  const [jim = "", , beth = ""] = await redisCli.typed(
    `XADD ${app.stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`,
    `XADD ${app.stream} * name "Arthur Crews" seat "B13" movieId 54 sessionId 832`,
    `XADD ${app.stream} * name "Beth, \\"the\\" Harmon" seat "B11" movieId 53 sessionId 832`,
  );
  await openLive(page, "/search");
  await page.getByLabel("Movie", { exact: true }).fill("53");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^tickets-\d{8}-\d{6}\.csv$/);
  const text = await readFile((await download.path())!, "utf8");
  const lines = text.trimEnd().split("\r\n");
  expect(lines[0]).toBe("id,time,type,name,seat,movieId,sessionId,soldBy,refundOf,title,startsAt,hall,price");
  expect(lines).toHaveLength(3);
  const iso = (id: string) => new Date(Number(id.split("-")[0])).toISOString();
  // Newest first; a name with a comma and quotes is quoted as RFC 4180 says.
  expect(lines[1]).toBe(`${beth},${iso(beth)},sale,"Beth, ""the"" Harmon",B11,53,832,,,,,,`);
  expect(lines[2]).toBe(`${jim},${iso(jim)},sale,Jim Crews,B12,53,832,,,,,,`);
});

test("From and To narrow the search by time, in the browser's time zone, for scanned and live entries alike", async ({
  page,
  app,
  redisCli,
}) => {
  const [old = ""] = await redisCli.typed(`XADD ${app.stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`);
  await openLive(page, "/search");
  // datetime-local values as the browser would show them, an hour either side of now.
  const [hourAgo, inAnHour] = await page.evaluate(() => {
    const local = (ms: number) => {
      const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 16);
    };
    return [local(Date.now() - 3_600_000), local(Date.now() + 3_600_000)];
  });

  await page.getByLabel("From", { exact: true }).fill(inAnHour!);
  await searchFor(page, { Name: "crews" });
  await expectSearchDone(page);
  await expect(page.getByTestId("no-matches")).toBeVisible();

  await page.getByLabel("From", { exact: true }).fill(hourAgo!);
  await page.getByLabel("To", { exact: true }).fill(inAnHour!);
  await searchFor(page, {});
  await expectSearchDone(page);
  await expect(page.getByTestId("search-result")).toHaveCount(1);
  await expect(searchResult(page, old)).toBeVisible();
  // A live entry inside the range joins; To before From is refused before anything is sent.
  const [fresh = ""] = await redisCli.typed(`XADD ${app.stream} * name "Arthur Crews" seat "B13" movieId 53 sessionId 832`);
  await expect(searchResult(page, fresh)).toBeVisible();
  await page.getByLabel("To", { exact: true }).fill(hourAgo!);
  await page.getByLabel("From", { exact: true }).fill(inAnHour!);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.locator('[role="alert"]').filter({ hasText: "To must be after From." })).toBeVisible();
  await expect(page.getByLabel("To", { exact: true })).toHaveAttribute("aria-invalid", "true");
});
