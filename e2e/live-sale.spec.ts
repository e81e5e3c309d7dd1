import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, openDesk, sell } from "./support/desk";

test("a sale made in one tab shows its id there and appears in another tab without a reload", async ({ browser, app, redisCli }) => {
  const seller = await (await browser.newContext()).newPage();
  const watcher = await (await browser.newContext()).newPage();
  try {
    await openDesk(seller);
    await openDesk(watcher);
    await expect(watcher.getByText("No sales yet")).toBeVisible();
    let watcherNavigations = 0;
    watcher.on("framenavigated", (frame) => {
      if (frame === watcher.mainFrame()) watcherNavigations++;
    });

    const id = await sell(seller, { name: "Ada Lovelace", seat: "C7", movieId: "53", sessionId: "832" });

    // The id the desk announced is the one Redis holds, with its four ticket fields.
    const newest = (await redisCli("XREVRANGE", app.stream, "+", "-", "COUNT", "1")).split("\n");
    expect(newest.slice(0, 9)).toEqual([id, "name", "Ada Lovelace", "seat", "C7", "movieId", "53", "sessionId", "832"]);

    const arrived = feedEntry(watcher, id);
    await expect(arrived).toBeVisible();
    await expect(arrived.getByTestId("entry-name")).toHaveText("Ada Lovelace");
    await expect(arrived.getByTestId("entry-seat")).toHaveText("C7");
    await expect(arrived.getByTestId("entry-extras")).toHaveText("sold by admin");
    await expect(feedEntries(watcher)).toHaveCount(1);
    await expect(feedEntry(seller, id)).toBeVisible();
    expect(watcherNavigations).toBe(0);
  } finally {
    await seller.context().close();
    await watcher.context().close();
  }
});
