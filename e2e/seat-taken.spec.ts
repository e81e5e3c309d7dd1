import { join } from "node:path";
import { expect, test } from "./fixtures";
import { feedEntries, feedEntry, field, openDesk, sell, statusMessage, STREAM_ID_LINE, submitSale } from "./support/desk";

test("a seat already sold is refused, and the seat map shows it sold", async ({ page, app, redisCli }, testInfo) => {
  await openDesk(page);
  const firstId = await sell(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });

  await submitSale(page, { name: "Arthur Crews", seat: "B12", movieId: "53", sessionId: "832" });
  const status = statusMessage(page);
  await expect(status).toContainText("B12");
  await expect(status).toContainText(/already sold/i);
  await expect(status).not.toContainText(/Sold B12 to Arthur/);
  const seat = field(page, "Seat");
  await expect(seat).toHaveAttribute("aria-invalid", "true");
  await expect(seat).toHaveAccessibleDescription(/B12/);
  expect(await redisCli("XLEN", app.stream)).toBe("1");
  await expect(feedEntries(page)).toHaveCount(1);
  await expect(feedEntry(page, firstId)).toBeVisible();

  // The movie and session are still chosen, so the seat map of 53 / 832 is showing.
  await expect(field(page, "Movie")).toHaveValue("53");
  await expect(field(page, "Session")).toHaveValue("832");
  await expect(page.getByRole("button", { name: "B12 sold", exact: true })).toBeDisabled();
  await page.getByRole("button", { name: "B14 free", exact: true }).click();
  await expect(seat).toHaveValue("B14");
  // The refusal was about B12: picking another seat clears it.
  await expect(seat).not.toHaveAttribute("aria-invalid", "true");

  await field(page, "Name").fill("Arthur Crews");
  await page.getByRole("button", { name: "Sell ticket" }).click();
  await expect(status).toContainText("Sold B14 to Arthur Crews");
  await expect(page.getByRole("button", { name: "B14 sold", exact: true })).toBeDisabled();
  await expect(seat).not.toHaveAttribute("aria-invalid", "true");

  // A sale from outside the app marks its seat sold live too.
  const bethId = await redisCli("XADD", app.stream, "*", "name", "Beth Harmon", "seat", "B11", "movieId", "53", "sessionId", "832");
  expect(bethId).toMatch(STREAM_ID_LINE);
  await expect(feedEntry(page, bethId)).toBeVisible();
  await expect(page.getByRole("button", { name: "B11 sold", exact: true })).toBeDisabled();
  await expect(page.getByTestId("seats-free")).toHaveText("197 of 200 free");
  expect(await redisCli("XLEN", app.stream)).toBe("3");

  await page.screenshot({ path: join(testInfo.project.outputDir, "desk.png"), fullPage: true });
});
