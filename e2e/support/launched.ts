import { expect, type Browser, type Page } from "@playwright/test";
import type { LaunchedApp } from "../fixtures";

/** A page on server `b`, signed in there; `close` ends it and fails the test on any uncaught error it had. */
export async function pageOn(browser: Browser, b: LaunchedApp): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: b.baseURL, storageState: b.storageState });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.stack ?? error.message));
  return {
    page,
    async close() {
      await context.close();
      expect(errors, `uncaught errors in the page on ${b.baseURL}`).toEqual([]);
    },
  };
}

/**
 * Every id the desk's feed holds, newest first, including rows the virtualised list has not rendered:
 * scrolls the list from top to bottom a screen at a time and reads each row at its offset.
 */
export async function allFeedIds(page: Page): Promise<string[]> {
  return page.getByTestId("feed").evaluate(async (feed) => {
    const byOffset = new Map<number, string>();
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    feed.scrollTop = 0;
    for (;;) {
      await frame();
      for (const row of feed.querySelectorAll<HTMLElement>('[data-testid="feed-entry"]')) {
        const offset = /translateY\(([\d.]+)px\)/.exec(row.closest("li")?.style.transform ?? "")?.[1];
        if (offset !== undefined) byOffset.set(Number(offset), row.dataset.entryId ?? "");
      }
      if (feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 1) break;
      feed.scrollTop += feed.clientHeight;
    }
    feed.scrollTop = 0;
    return [...byOffset].sort(([a], [b]) => a - b).map(([, id]) => id);
  });
}
