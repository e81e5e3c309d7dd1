import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, feedIds, openDesk } from "./support/desk";

test("after the browser goes offline and back, the feed holds every entry exactly once, in order", async ({ page, app, redisCli }) => {
  const add = (name: string, seat: string) =>
    redisCli("XADD", app.stream, "*", "name", name, "seat", seat, "movieId", "53", "sessionId", "832");

  await openDesk(page);
  const before = [await add("Jim Crews", "B12"), await add("Arthur Crews", "B13")];
  await expect(feedEntries(page)).toHaveCount(2);
  expect(await feedIds(page)).toEqual([...before].reverse());

  const link = page.getByTestId("link-state");
  await page.context().setOffline(true);
  await expect(link).toHaveAttribute("data-state", "down");

  const during = [await add("Beth Harmon", "B11"), await add("Alma Wheatley", "B10"), await add("Vasily Borgov", "B14")];
  // The premise of the test: while offline nothing reaches the tab. Give a live socket time to prove otherwise.
  await page.waitForTimeout(1500);
  await expect(link).toHaveAttribute("data-state", "down");
  expect(await feedIds(page)).toEqual([...before].reverse());

  await page.context().setOffline(false);
  await expect(link).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  const all = [...before, ...during];
  await expect(feedEntries(page)).toHaveCount(all.length);
  for (const id of all) await expect(feedEntry(page, id)).toHaveCount(1);
  await expect.poll(() => feedIds(page)).toEqual([...all].reverse());
  await expect(feedEntries(page).getByTestId("entry-name")).toHaveText([
    "Vasily Borgov",
    "Alma Wheatley",
    "Beth Harmon",
    "Arthur Crews",
    "Jim Crews",
  ]);
});
