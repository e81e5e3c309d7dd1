import { expect, test } from "./fixtures";
import { openDesk } from "./support/desk";
import { openLive } from "./support/groups";
import { expectSearchDone, searchFor, searchResult, xaddMany } from "./support/insight";

const xadd = (stream: string, name: string, seat: string) => `XADD ${stream} * name "${name}" seat "${seat}" movieId 53 sessionId 832`;

test("after a reconnect the chart re-reads the server's figures and counts the missed sales once", async ({ page, app, redisCli }) => {
  await openDesk(page);
  const total = page.getByTestId("chart-total-sales");
  await redisCli.typed(
    xadd(app.stream, "Jim Crews", "B12"),
    xadd(app.stream, "Arthur Crews", "B13"),
    xadd(app.stream, "Beth Harmon", "B11"),
  );
  await expect(total).toHaveText("3");
  const reads: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/stats/sales") reads.push(request.url());
  });

  await page.context().setOffline(true);
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "down");
  await redisCli.typed(xadd(app.stream, "Alma Wheatley", "B10"), xadd(app.stream, "Vasily Borgov", "B14"));
  await page.context().setOffline(false);
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(page.getByTestId("feed-entry")).toHaveCount(5);
  // The server's figures hold the two missed sales, and so does the replay: counted once, not twice.
  await expect.poll(() => reads.length, { message: "the chart did not re-read the server's figures on reconnect" }).toBeGreaterThan(0);
  await expect(total).toHaveText("5");
  await page.waitForTimeout(1000);
  await expect(total).toHaveText("5");
  await redisCli.typed(xadd(app.stream, "Harry Beltik", "B15"));
  await expect(total).toHaveText("6");
});

test("To includes its whole minute: a sale at :59.999 is found, one at the next minute is not", async ({ page, app, redisCli }) => {
  // Fixed ids in a minute ten minutes ago, so the test does not depend on when it runs within a minute.
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const ids = [`${minute}-0`, `${minute + 30_000}-0`, `${minute + 59_999}-0`, `${minute + 60_000}-0`];
  for (const [i, id] of ids.entries())
    await redisCli("XADD", app.stream, id, "name", `Guest ${i}`, "seat", `B${i + 1}`, "movieId", "53", "sessionId", "832");

  await openLive(page, "/search");
  const [from, to] = await page.evaluate((ms) => {
    const local = (t: number) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    return [local(ms), local(ms)];
  }, minute);
  await page.getByLabel("From", { exact: true }).fill(from!);
  await page.getByLabel("To", { exact: true }).fill(to!);
  await searchFor(page, { Movie: "53" });
  await expectSearchDone(page);
  await expect(page.getByTestId("search-result")).toHaveCount(3);
  for (const id of ids.slice(0, 3)) await expect(searchResult(page, id)).toBeVisible();
  await expect(searchResult(page, ids[3]!)).toHaveCount(0);
});

test("a CSV download abandoned part-way stops its scan and gives the person's scan slot back", async ({ page, app, redisCli }) => {
  // About 25 MB of CSV, far more than the socket buffers hold: while nobody reads, the scan waits, so the
  // slot can only come back early if cancelling stops it. (With short rows the whole file fits in the
  // buffers, the scan ends by itself, and this test could not tell.)
  const filler = "x".repeat(80);
  await xaddMany(app.redisPort, app.stream, 200_000, (i) => [
    "name",
    `Buyer ${i} ${filler}`,
    "seat",
    `A${(i % 20) + 1}`,
    "movieId",
    "53",
    "sessionId",
    "832",
  ]);
  const slots = `{${app.stream}}:scans:admin`;
  await openLive(page, "/search");

  await page.evaluate(async () => {
    const controller = new AbortController();
    const response = await fetch("/api/tickets/export.csv?movieId=53", { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    Object.assign(window, { __abandon: () => controller.abort() });
  });
  // Started and holding its slot; a paused reader does not let it run to the end.
  await expect.poll(() => redisCli("GET", slots)).toBe("1");
  await page.waitForTimeout(3000);
  expect(await redisCli("GET", slots), "the export ran to its end while nobody read it").toBe("1");

  await page.evaluate(() => (window as unknown as { __abandon: () => void }).__abandon());
  // Stopped, not run to its end: the rest of the scan takes seconds (about 3 s here when made to ignore the
  // cancel), giving the slot back takes milliseconds.
  await expect.poll(() => redisCli("GET", slots), { timeout: 1000, intervals: [100] }).toBe("0");
});

test.describe("with a retention policy of 5 entries", () => {
  test.use({ appEnv: { TICKETS_RETENTION: "maxlen:5" } });

  test("the retention warning goes away by itself once the group has caught up", async ({ page, app, redisCli }) => {
    const ids = await xaddMany(app.redisPort, app.stream, 10, (i) => [
      "name",
      `Guest ${i}`,
      "seat",
      `C${i + 1}`,
      "movieId",
      "53",
      "sessionId",
      "832",
    ]);
    expect(await redisCli("XGROUP", "CREATE", app.stream, "printing", "0")).toBe("OK");
    await redisCli("XREADGROUP", "GROUP", "printing", "printer-1", "COUNT", "3", "STREAMS", app.stream, ">");
    // The page re-reads the policy every 15 s; its clock is moved on instead of waiting.
    await page.clock.install();
    await openLive(page, "/groups");
    const warning = page.getByTestId("retention-warning");
    await expect(warning).toContainText("printing");

    await redisCli("XREADGROUP", "GROUP", "printing", "printer-1", "COUNT", "100", "STREAMS", app.stream, ">");
    await redisCli("XACK", app.stream, "printing", ...ids);
    // The server computes the figures at most once per 5 s; then the page's next 15 s re-read shows them.
    await page.waitForTimeout(5500);
    await expect(warning).toBeVisible();
    await page.clock.runFor(15_000);
    await expect(warning).toHaveCount(0);
    await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  });
});
