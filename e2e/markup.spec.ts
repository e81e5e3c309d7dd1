import { expect, test } from "./fixtures";
import { feedEntry, openDesk } from "./support/desk";

const NAME = `<img src=x onerror="window.__pwned=1">Eve`;
const NOTE = `<script>window.__pwned=2</script>`;

declare global {
  interface Window {
    __pwned?: number;
  }
}

test("markup in a sale added with redis-cli shows as text and never runs", async ({ page, app, redisCli }) => {
  // An <img src=x> that got into the page would ask the server for /x.
  const imageRequests: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/x") imageRequests.push(request.url());
  });
  await openDesk(page);

  const id = await redisCli("XADD", app.stream, "*", "name", NAME, "seat", "B15", "movieId", "53", "sessionId", "832", "note", NOTE);
  const entry = feedEntry(page, id);
  await expect(entry.getByTestId("entry-name")).toHaveText(NAME);
  await expect(entry.getByTestId("entry-extras")).toHaveText(`note: ${NOTE}`);
  await expect(entry.locator("img, script")).toHaveCount(0);

  // The same entry read back as history on a fresh load.
  await page.reload();
  await expect(feedEntry(page, id).getByTestId("entry-name")).toHaveText(NAME);
  await expect(feedEntry(page, id).locator("img, script")).toHaveCount(0);

  await page.waitForLoadState("networkidle");
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(imageRequests).toEqual([]);
});
