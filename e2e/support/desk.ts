import { expect, type Locator, type Page } from "@playwright/test";

export interface Sale {
  name: string;
  seat: string;
  movieId: string;
  sessionId: string;
}

/** The desk's labelled form fields. Exact: the seat map's heading ("Seats · movie 53, session 832") also labels a region. */
export function field(page: Page, label: "Name" | "Seat" | "Movie" | "Session"): Locator {
  return page.getByLabel(label, { exact: true });
}

export function statusMessage(page: Page): Locator {
  return page.getByRole("status");
}

export function feedEntries(page: Page): Locator {
  return page.getByTestId("feed-entry");
}

export function feedEntry(page: Page, id: string): Locator {
  return page.locator(`[data-testid="feed-entry"][data-entry-id="${id}"]`);
}

/** The ids of the feed's entries, top to bottom. */
export function feedIds(page: Page): Promise<string[]> {
  return feedEntries(page).evaluateAll((rows) => rows.map((row) => row.getAttribute("data-entry-id") ?? ""));
}

/** Opens the desk and waits until the live link is up (which also means the page is hydrated). */
export async function openDesk(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
}

/** Fills the sale form and presses Sell ticket. */
export async function submitSale(page: Page, sale: Sale): Promise<void> {
  await field(page, "Name").fill(sale.name);
  await field(page, "Seat").fill(sale.seat);
  await field(page, "Movie").fill(sale.movieId);
  await field(page, "Session").fill(sale.sessionId);
  await page.getByRole("button", { name: "Sell ticket" }).click();
}

const STREAM_ID = /\b\d+-\d+\b/;

/** Sells through the form and returns the entry id the status message names. */
export async function sell(page: Page, sale: Sale): Promise<string> {
  await submitSale(page, sale);
  const status = statusMessage(page);
  await expect(status).toContainText(sale.seat);
  await expect(status).toContainText(sale.name);
  await expect(status).toHaveText(STREAM_ID);
  const id = STREAM_ID.exec((await status.textContent()) ?? "")?.[0];
  if (!id) throw new Error("the status message names no entry id");
  return id;
}

export const STREAM_ID_LINE = /^\d+-\d+$/;
