import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, feedIds, openDesk, statusMessage, submitSale } from "./support/desk";
import { e2eRedisPort } from "./support/env";
import { xaddMany } from "./support/insight";
import { pageOn } from "./support/launched";
import { redisCliArgs } from "./support/processes";

const guest = (tag: string) => (i: number) => ["name", `${tag} ${i}`, "seat", `A${(i % 20) + 1}`, "movieId", "53", "sessionId", "832"];

/** The ids of the rows at the very end of the virtualised feed, top to bottom (scrolls there first). */
async function lastFeedIds(page: Page): Promise<string[]> {
  return page.getByTestId("feed").evaluate(async (feed) => {
    feed.scrollTop = feed.scrollHeight;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const rows = [...feed.querySelectorAll<HTMLElement>('[data-testid="feed-entry"]')].map((row) => ({
      offset: Number(/translateY\(([\d.]+)px\)/.exec(row.closest("li")?.style.transform ?? "")?.[1] ?? 0),
      id: row.dataset.entryId ?? "",
    }));
    return rows.sort((a, b) => a.offset - b.offset).map((row) => row.id);
  });
}

test("Load older sales pages back to the start; live sales beyond 10,000 push the oldest out, and Load older brings them back", async ({
  page,
  app,
}) => {
  const older = await xaddMany(app.redisPort, app.stream, 1000, guest("Early"));
  await openDesk(page);
  const count = page.getByTestId("feed-count");
  const loadOlder = page.getByRole("button", { name: "Load older sales" });
  // The newest page first, then 500 older at a time until the start of the stream.
  await expect(count).toHaveText("200 entries");
  await loadOlder.click();
  await expect(count).toHaveText("700 entries");
  await loadOlder.click();
  await expect(count).toHaveText("1,000 entries");
  await expect(page.getByText("Start of the stream")).toBeVisible();
  await expect(loadOlder).toHaveCount(0);
  expect((await lastFeedIds(page)).at(-1)).toBe(older[0]);

  // 10,000 live sales: the tab keeps the newest 10,000, so the 1,000 early ones are gone from it.
  const live = await xaddMany(app.redisPort, app.stream, 10_000, guest("Late"));
  await expect(count).toHaveText("10,000 entries (newest kept)", { timeout: 30_000 });
  await page.getByTestId("feed").evaluate((feed) => (feed.scrollTop = 0));
  await expect.poll(async () => (await feedIds(page))[0]).toBe(live.at(-1));
  expect((await lastFeedIds(page)).at(-1)).toBe(live[0]);
  await expect(page.getByText("Start of the stream")).toHaveCount(0);

  // …and Load older reads them again from Redis, from just before the oldest kept.
  await loadOlder.click();
  await expect(count).toHaveText("10,500 entries (newest kept)");
  expect((await lastFeedIds(page)).at(-1)).toBe(older[500]);
});

test("after a reconnect the link says Catching up… while the missed entries are replayed, then Live", async ({ page, app }) => {
  await openDesk(page);
  const link = page.getByTestId("link-state");
  // Every state the indicator shows, as it shows it: "Catching up…" may last only a few frames.
  await link.evaluate((element) => {
    const seen: string[] = [];
    (window as unknown as { __linkStates: string[] }).__linkStates = seen;
    const record = () => {
      const line = `${element.getAttribute("data-state")}: ${element.textContent}`;
      if (seen.at(-1) !== line) seen.push(line);
    };
    new MutationObserver(record).observe(element, { attributes: true, childList: true, subtree: true, characterData: true });
  });

  await page.context().setOffline(true);
  await expect(link).toHaveAttribute("data-state", "down");
  // Enough missed entries that the replay takes several pages (well under FEED_REPLAY_MAX).
  const missed = await xaddMany(app.redisPort, app.stream, 8000, guest("Missed"));
  await page.context().setOffline(false);
  await expect(link).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(page.getByTestId("feed-count")).toHaveText("8,000 entries");
  expect((await feedIds(page))[0]).toBe(missed.at(-1));

  const states = await page.evaluate(() =>
    (window as unknown as { __linkStates: string[] }).__linkStates.map((line) => line.replace(/\d{1,2}:\d{2}:\d{2}.*/, "<time>")),
  );
  expect(states).toEqual(["down: Live link down since <time>", "catching-up: Catching up…", "live: Live"]);
});

test("a feed row focused from the keyboard keeps the focus, on its own sale, while sales arrive one by one and in a flood", async ({
  page,
  app,
  redisCli,
}) => {
  const sales = await xaddMany(app.redisPort, app.stream, 20, guest("Held"));
  await openDesk(page);
  await expect(page.getByTestId("feed-count")).toHaveText("20 entries");
  // The fifth row from the top: Tab into the feed, then on to that row's Refund button.
  const held = sales.at(-5)!;
  const refund = feedEntry(page, held).getByRole("button", { name: /^Refund/ });
  await feedEntry(page, sales.at(-4)!)
    .getByRole("button", { name: /^Refund/ })
    .focus();
  await page.keyboard.press("Tab");
  await expect(refund).toBeFocused();
  await refund.evaluate((button) => ((button as HTMLElement & { heldHere?: boolean }).heldHere = true));
  const focused = () =>
    page.evaluate(() => {
      const active = document.activeElement as (HTMLElement & { heldHere?: boolean }) | null;
      return { label: active?.getAttribute("aria-label") ?? null, same: active?.heldHere === true };
    });

  // One by one: the row moves down a place each time, and the focus stays in the very same button.
  for (let i = 0; i < 3; i++) {
    const id = await redisCli("XADD", app.stream, "*", "name", `Trickle ${i}`, "seat", "C1", "movieId", "53", "sessionId", "832");
    await expect.poll(async () => (await feedIds(page))[0]).toBe(id);
    expect(await focused()).toEqual({ label: expect.stringContaining(held), same: true });
  }

  // A flood carries the sale hundreds of rows below the screen at once; the focus goes with it.
  await xaddMany(app.redisPort, app.stream, 500, guest("Flood"));
  await expect(page.getByTestId("feed-count")).toHaveText("523 entries");
  expect(await focused()).toEqual({ label: expect.stringContaining(held), same: true });
  // …and the rows on screen are the newest, as always.
  await expect(feedEntries(page).first()).toContainText("Flood 499");

  // Enter acts on the focused sale, not on whatever now sits where it was on screen.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Refund this ticket?" })).toContainText("Held 15");
});

// This test starts its own server (launch), which it kills mid-sale.
test.describe(() => {
  test.use({ baseURL: undefined, storageState: undefined });

  test("when the instance dies while a sale is on its way, the desk says it may or may not have gone through", async ({
    launch,
    browser,
  }) => {
    const server = await launch();
    const { page, close } = await pageOn(browser, server);
    await openDesk(page);
    // The sale leaves the desk; the instance dies before it gets there.
    await page.route("**/api/tickets", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      await server.crash();
      await route.continue().catch(() => {});
    });
    await submitSale(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });
    await expect(statusMessage(page)).toHaveText(
      "The connection dropped before StreamDesk answered, so this sale may or may not have gone through. Check the feed and the seat map for B12; selling it again is safe, as a seat already sold is refused.",
    );
    await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "down");
    expect(await redisCliArgs(e2eRedisPort(), ["XLEN", server.stream])).toBe("0");
    await expect(feedEntries(page)).toHaveCount(0);
    await close();
  });
});
