import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, feedIds, openDesk, sell } from "./support/desk";
import { groupCard, openLive } from "./support/groups";
import { pageOn } from "./support/launched";

test.describe("two app servers on one Redis and one stream", () => {
  test("a sale made on server A appears live in a page on server B, and the other way round", async ({
    page,
    app,
    launch,
    browser,
    redisCli,
  }) => {
    const b = await launch({ stream: app.stream });
    const { page: onB, close } = await pageOn(browser, b);
    await openDesk(page);
    await openDesk(onB);

    const fromA = await sell(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });
    await expect(feedEntry(onB, fromA)).toHaveCount(1);
    await expect(feedEntry(onB, fromA).getByTestId("entry-name")).toHaveText("Jim Crews");

    const fromB = await sell(onB, { name: "Beth Harmon", seat: "B11", movieId: "53", sessionId: "832" });
    await expect(feedEntry(page, fromB)).toHaveCount(1);
    const fromCli = await redisCli("XADD", app.stream, "*", "name", "Alma Wheatley", "seat", "B10", "movieId", "53", "sessionId", "832");

    // Both pages hold the stream exactly, newest first.
    const all = (await redisCli("--json", "XRANGE", app.stream, "-", "+")).match(/\d+-\d+/g) ?? [];
    expect(all).toEqual([fromA, fromB, fromCli]);
    for (const tab of [page, onB]) {
      await expect(feedEntries(tab)).toHaveCount(3);
      await expect.poll(() => feedIds(tab)).toEqual([...all].reverse());
    }
    await close();
  });

  test("a group created on server A shows on server B's /groups, and its progress follows", async ({
    page,
    app,
    launch,
    browser,
    redisCli,
  }) => {
    const b = await launch({ stream: app.stream });
    const { page: onB, close } = await pageOn(browser, b);
    await redisCli("XADD", app.stream, "*", "name", "Jim Crews", "seat", "B12", "movieId", "53", "sessionId", "832");
    await redisCli("XADD", app.stream, "*", "name", "Beth Harmon", "seat", "B11", "movieId", "53", "sessionId", "832");
    await openLive(onB, "/groups");
    await expect(groupCard(onB, "printing")).toHaveCount(0);

    await openLive(page, "/groups");
    const form = page.getByRole("form", { name: "Create a group" });
    await form.getByLabel("Group name").fill("printing");
    await form.getByLabel("Start from").fill("0");
    await form.getByRole("button", { name: "Create group" }).click();
    await expect(form.getByRole("status")).toHaveText("Created group printing.");

    // B learns of it from Redis alone: no reload.
    const card = groupCard(onB, "printing");
    await expect(card).toBeVisible();
    await expect(card.getByTestId("pending-count")).toHaveText("0");
    // A reader elsewhere (redis-cli) takes both entries: B's view follows.
    await redisCli("XREADGROUP", "GROUP", "printing", "consumer-1", "STREAMS", app.stream, ">");
    await expect(card.getByTestId("pending-count")).toHaveText("2");
    await close();
  });
});
