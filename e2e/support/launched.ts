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
