import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, feedIds, field, openDesk, statusMessage, STREAM_ID_LINE, submitSale } from "./support/desk";

// The three sales of the Redis Streams tutorial StreamDesk grew from (redis-streams-tickets.md), typed into redis-cli as written there,
// with the test's stream in place of `tickets`.
const seed = (stream: string) => [
  `XADD ${stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`,
  `XADD ${stream} * name "Arthur Crews" seat "B13" movieId 53 sessionId 832`,
  `XADD ${stream} * name "Beth Harmon" seat "B11" movieId 53 sessionId 832`,
];

test("the tutorial's redis-cli XADD lines appear live, newest first, with the ids redis-cli printed", async ({ page, app, redisCli }) => {
  await openDesk(page);
  await expect(page.getByText("No sales yet")).toBeVisible();
  const [jim, arthur, beth] = seed(app.stream);

  const [jimId = ""] = await redisCli.typed(jim!);
  expect(jimId).toMatch(STREAM_ID_LINE);
  await expect(feedEntry(page, jimId).getByTestId("entry-name")).toHaveText("Jim Crews");

  const [arthurId = "", bethId = ""] = await redisCli.typed(arthur!, beth!);
  expect([arthurId, bethId]).toEqual([expect.stringMatching(STREAM_ID_LINE), expect.stringMatching(STREAM_ID_LINE)]);

  // Redis's order is the order the lines were typed in; the feed shows it reversed.
  const streamIds = (await redisCli("XRANGE", app.stream, "-", "+")).split("\n").filter((line) => STREAM_ID_LINE.test(line));
  expect(streamIds).toEqual([jimId, arthurId, bethId]);
  await expect(feedEntries(page)).toHaveCount(3);
  await expect.poll(() => feedIds(page)).toEqual([bethId, arthurId, jimId]);

  const entries = feedEntries(page);
  await expect(entries.getByTestId("entry-name")).toHaveText(["Beth Harmon", "Arthur Crews", "Jim Crews"]);
  await expect(entries.getByTestId("entry-seat")).toHaveText(["B11", "B13", "B12"]);
  for (const row of await entries.all()) {
    await expect(row).toContainText("movie 53");
    await expect(row).toContainText("session 832");
  }

  // Seats sold from redis-cli are taken for the desk too.
  await submitSale(page, { name: "Alma Wheatley", seat: "B12", movieId: "53", sessionId: "832" });
  await expect(statusMessage(page)).toContainText(/B12.*already sold/);
  await expect(field(page, "Seat")).toHaveAttribute("aria-invalid", "true");
  expect(await redisCli("XLEN", app.stream)).toBe("3");
});

test("a second redis-cli claim on a sold seat turns double-booked in the feed once the server has indexed it", async ({
  page,
  app,
  redisCli,
}) => {
  await openDesk(page);
  const [jim] = seed(app.stream);
  const [jimId = ""] = await redisCli.typed(jim!);
  await expect(feedEntry(page, jimId).getByTestId("entry-name")).toHaveText("Jim Crews");
  // Live rows go out before the server indexes them; the mark follows (feed:marks) and the row shows it.
  const [vasilyId = ""] = await redisCli.typed(`XADD ${app.stream} * name "Vasily Borgov" seat "B12" movieId 53 sessionId 832`);
  await expect(feedEntry(page, vasilyId).getByTestId("double-booked")).toHaveText("Double-booked");
  await expect(feedEntry(page, jimId).getByTestId("double-booked")).toHaveCount(0);
  // After a reload the row comes from the server's history page, marked the same way.
  await page.reload();
  await expect(feedEntry(page, vasilyId).getByTestId("double-booked")).toHaveText("Double-booked");
});
