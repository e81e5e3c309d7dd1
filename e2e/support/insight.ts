import { expect, type APIRequest, type Locator, type Page } from "@playwright/test";
import { Redis } from "ioredis";
import type { StorageState } from "../fixtures";

/** One screening's card on `/screenings`. */
export function screeningCard(page: Page, movieId: string, sessionId: string): Locator {
  return page.locator(`[data-testid="screening"][data-movie="${movieId}"][data-session="${sessionId}"]`);
}

export function soldCount(page: Page, movieId: string, sessionId: string): Locator {
  return screeningCard(page, movieId, sessionId).getByTestId("sold-count");
}

/** One row of the results on `/search`. */
export function searchResult(page: Page, id: string): Locator {
  return page.locator(`[data-testid="search-result"][data-entry-id="${id}"]`);
}

/** Fills the labelled fields of `/search` that are given and presses Search. */
export async function searchFor(page: Page, filters: Partial<Record<"Name" | "Seat" | "Movie" | "Session", string>>): Promise<void> {
  for (const [label, value] of Object.entries(filters)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Search", exact: true }).click();
}

/** The search's progress line once the scan stopped at the start of the range. */
export async function expectSearchDone(page: Page): Promise<void> {
  await expect(page.getByTestId("search-progress")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
}

/**
 * Writes `count` entries with one pipelined XADD per entry, 10,000 per round trip (the fast path a bulk
 * import would take). `fields(i)` gives entry i's fields and `id(i)` its id (`*` when not given); resolves
 * with every id, oldest first.
 */
export async function xaddMany(
  redisPort: number,
  stream: string,
  count: number,
  fields: (i: number) => string[],
  id: (i: number) => string = () => "*",
): Promise<string[]> {
  const redis = new Redis({ port: redisPort, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 10_000); i++) pipeline.xadd(stream, id(i), ...fields(i));
      for (const [error, id] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        ids.push(String(id));
      }
    }
    return ids;
  } finally {
    redis.disconnect();
  }
}

/**
 * Adds a seller through `POST /api/staff` as the supervisor, signs them in and chooses their own password
 * (the app insists at first sign-in), and returns their cookies.
 */
export async function sellerState(requests: APIRequest, baseURL: string, admin: StorageState, username: string): Promise<StorageState> {
  const first = "first-password-123";
  const own = "sellers-own-password-456";
  const supervisor = await requests.newContext({ baseURL, storageState: admin, extraHTTPHeaders: { origin: baseURL } });
  const added = await supervisor.post("/api/staff", { data: { username, password: first, role: "seller" } });
  expect(added.status(), await added.text()).toBe(201);
  await supervisor.dispose();
  const seller = await requests.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  try {
    const signIn = await seller.post("/api/session", { data: { username, password: first } });
    expect(signIn.status(), await signIn.text()).toBe(204);
    const changed = await seller.post("/api/session/password", { data: { currentPassword: first, newPassword: own } });
    expect(changed.status(), await changed.text()).toBe(204);
    return await seller.storageState();
  } finally {
    await seller.dispose();
  }
}
