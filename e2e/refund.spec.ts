import { expect, test } from "./fixtures";
import { feedEntry, openDesk } from "./support/desk";
import { openLive } from "./support/groups";
import { expectSearchDone, searchFor, searchResult, sellerState, soldCount } from "./support/insight";

test("a supervisor refunds a sale from the search: the feed, the seat map, the board and the chart all show it", async ({
  page,
  app,
  redisCli,
  openPage,
}) => {
  const [jim = "", arthur = ""] = await redisCli.typed(
    `XADD ${app.stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`,
    `XADD ${app.stream} * name "Arthur Crews" seat "B13" movieId 53 sessionId 832`,
  );

  // Others watching: the board, and the desk with this screening's seat map.
  const board = await openPage(app.storageState);
  await openLive(board, "/screenings");
  await expect(soldCount(board, "53", "832")).toHaveText("2");
  const desk = await openPage(app.storageState);
  await desk.goto("/?movieId=53&sessionId=832");
  await expect(desk.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  await expect(desk.getByRole("button", { name: "B12 sold" })).toBeDisabled();
  await expect(desk.getByTestId("chart-total-sales")).toHaveText("2");

  await openLive(page, "/search");
  await searchFor(page, { Name: "jim" });
  await expectSearchDone(page);
  await expect(page.getByTestId("search-result")).toHaveCount(1);
  await searchResult(page, jim).getByRole("button", { name: "Refund" }).click();

  const dialog = page.getByRole("dialog", { name: "Refund this ticket?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Jim Crews");
  await expect(dialog).toContainText("B12");
  await expect(dialog).toContainText("movie 53, session 832");
  await expect(dialog).toContainText(jim);
  // Escape closes it without refunding; the button opens it again.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await searchResult(page, jim).getByRole("button", { name: "Refund" }).click();
  await dialog.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(dialog).toBeHidden();

  // The refund entry is in Redis, after the sale, with the four ticket fields and who refunded.
  const newest = (await redisCli("XREVRANGE", app.stream, "+", "-", "COUNT", "1")).split("\n");
  const refundId = newest[0]!;
  const fields = Object.fromEntries(newest.slice(1).flatMap((value, i, all) => (i % 2 === 0 ? [[value, all[i + 1]]] : []))) as Record<
    string,
    string
  >;
  expect(fields).toMatchObject({
    type: "refund",
    refundOf: jim,
    name: "Jim Crews",
    seat: "B12",
    movieId: "53",
    sessionId: "832",
    refundedBy: "admin",
  });

  // It matches the search too, so it joins the results at the top; the sale is marked refunded.
  await expect(searchResult(page, refundId)).toContainText(`Refund of ${jim}`);
  await expect(searchResult(page, refundId)).toContainText("refunded by admin");
  await expect(searchResult(page, jim)).toContainText("Refunded");
  await expect(searchResult(page, jim).getByRole("button", { name: "Refund" })).toHaveCount(0);

  await expect(soldCount(board, "53", "832")).toHaveText("1");
  await expect(feedEntry(desk, refundId)).toHaveAttribute("data-kind", "refund");
  await expect(feedEntry(desk, refundId).getByTestId("refund-of")).toHaveText(`Refund of ${jim}`);
  await expect(feedEntry(desk, jim).getByTestId("refunded")).toBeVisible();
  await expect(feedEntry(desk, arthur).getByTestId("refunded")).toHaveCount(0);
  await expect(desk.getByRole("button", { name: "B12 free" })).toBeEnabled();
  await expect(desk.getByRole("button", { name: "B13 sold" })).toBeDisabled();
  await expect(desk.getByTestId("chart-total-refunds")).toHaveText("1");
  await expect(desk.getByTestId("chart-total-sales")).toHaveText("2");

  // A second refund of the same sale is refused with the server's sentence.
  const again = await desk.evaluate(async (id) => {
    const response = await fetch(`/api/tickets/${id}/refund`, { method: "POST" });
    return response.status;
  }, jim);
  expect(again).toBe(409);

  // B12 can be sold again.
  expect(await redisCli("HGET", `{${app.stream}}:seats:53:832`, "B12")).toBe("");
});

test("the Refund button in the feed: a supervisor refunds from the desk and a 409 is said plainly; a seller never sees it", async ({
  page,
  app,
  redisCli,
  openPage,
  playwright,
}) => {
  const [jim = ""] = await redisCli.typed(`XADD ${app.stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`);
  const seller = await openPage(await sellerState(playwright.request, app.baseURL, app.storageState, "sam.seller"));

  await openDesk(page);
  await openDesk(seller);
  await expect(feedEntry(seller, jim)).toBeVisible();
  await expect(seller.getByTestId("signed-in-as")).toHaveText("sam.seller · seller");
  // The supervisor has the button on the same entry; the seller has none, in the feed or in a search.
  await expect(feedEntry(page, jim).getByRole("button", { name: /^Refund/ })).toBeVisible();
  await expect(feedEntry(seller, jim).getByRole("button", { name: /^Refund/ })).toHaveCount(0);
  await seller.goto("/search");
  await searchFor(seller, { Name: "Jim" });
  await expectSearchDone(seller);
  await expect(searchResult(seller, jim)).toBeVisible();
  await expect(seller.getByRole("button", { name: /^Refund/ })).toHaveCount(0);
  // The server refuses a seller's refund all the same.
  const status = await seller.evaluate(async (id) => (await fetch(`/api/tickets/${id}/refund`, { method: "POST" })).status, jim);
  expect(status).toBe(403);

  // Someone else refunds it first (here: straight through the API); this tab's dialog then says so.
  await feedEntry(page, jim)
    .getByRole("button", { name: /^Refund/ })
    .click();
  const dialog = page.getByRole("dialog", { name: "Refund this ticket?" });
  await expect(dialog).toContainText("Jim Crews");
  const first = await seller
    .context()
    .request.fetch(`${app.baseURL}/api/tickets/${jim}/refund`, { method: "POST", headers: { origin: app.baseURL } });
  expect(first.status()).toBe(403);
  const other = await page
    .context()
    .request.fetch(`${app.baseURL}/api/tickets/${jim}/refund`, { method: "POST", headers: { origin: app.baseURL } });
  expect(other.status()).toBe(201);
  await dialog.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText(/already refunded/i);
  await dialog.getByRole("button", { name: "Keep the sale" }).click();
  await expect(feedEntry(page, jim).getByTestId("refunded")).toBeVisible();
  await expect(feedEntry(page, jim).getByRole("button", { name: /^Refund/ })).toHaveCount(0);
});
