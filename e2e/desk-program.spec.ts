import { join } from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { feedEntry, field, openDesk, statusMessage } from "./support/desk";

// A real evening's programme: Dune in an hour in Hall 2 (a front row with wheelchair places, two aisles
// through the hall, no row I), Dune again tomorrow, Paddington later in Hall 1, and a Wallace & Gromit
// that started 20 minutes ago, so its sales have closed (SALES_CLOSE_MINUTES is 15).
const BACK_ROWS = ["B", "C", "D", "E", "F", "G", "H", "J", "K"];
const HALL_2 = {
  name: "Hall 2",
  rows: [
    { row: "A", seats: 14, aisles: [3, 12], wheelchair: [1, 2, 13, 14] },
    ...BACK_ROWS.map((row) => ({ row, seats: 16, aisles: [4, 13] })),
    { row: "L", seats: 18, aisles: [5, 14] },
  ],
};
const HALL_2_CAPACITY = 12 + BACK_ROWS.length * 14 + 16;
const HALL_1 = { name: "Hall 1", rows: ["A", "B", "C", "D", "E", "F"].map((row) => ({ row, seats: 12 })) };
const DUNE = "Dune: Part Two";
// Sold before the desk opens, so the plan has sold seats around the ones the seller picks.
const EARLIER_SALES: [name: string, seats: string[]][] = [
  ["Jim Crews", ["E6", "E7", "E8", "E9"]],
  ["Beth Harmon", ["G10", "G11"]],
  ["Alma Wheatley", ["K5", "K6", "K7"]],
  ["Harry Beltik", ["D14", "D15", "D16"]],
  ["Benny Watts", ["L9", "L10"]],
  ["Cleo", ["C7", "C8"]],
];
const EARLIER_SEATS = EARLIER_SALES.reduce((n, [, seats]) => n + seats.length, 0);

const MINUTE = 60_000;

function hhmm(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(ms));
}

async function put(request: APIRequestContext, origin: string, path: string, data: unknown): Promise<void> {
  const response = await request.put(path, { data, headers: { origin } });
  expect(response.status(), `PUT ${path}: ${await response.text()}`).toBe(201);
}

async function sellThroughApi(
  request: APIRequestContext,
  origin: string,
  name: string,
  seats: string[],
  movieId: number,
  sessionId: number,
) {
  const response = await request.post("/api/tickets", { data: { name, seats, movieId, sessionId }, headers: { origin } });
  expect(response.status(), await response.text()).toBe(201);
}

async function soldSeats(page: Page, movieId: number, sessionId: number): Promise<string[]> {
  const response = await page.request.get(`/api/screenings/${movieId}/${sessionId}`);
  expect(response.status()).toBe(200);
  return Object.keys(((await response.json()) as { sold: Record<string, string> }).sold).sort();
}

function seat(page: Page, name: string) {
  return page.locator(`[data-seat="${name}"]`);
}

test.use({ viewport: { width: 1440, height: 900 } });

test("the desk sells a programme showing: picked by typing, four seats by keyboard alone, a seat sold meanwhile refuses the whole sale", async ({
  page,
  app,
  redisCli,
  openPage,
}, testInfo) => {
  test.setTimeout(90_000);
  const origin = app.baseURL;
  const now = Date.now();
  const duneAt = now + 60 * MINUTE;
  await put(page.request, origin, "/api/program/movies/1", { title: DUNE, runtimeMinutes: 166 });
  await put(page.request, origin, "/api/program/movies/2", { title: "Paddington in Peru", runtimeMinutes: 106 });
  await put(page.request, origin, "/api/program/movies/3", { title: "Wallace & Gromit: Vengeance Most Fowl", runtimeMinutes: 79 });
  await put(page.request, origin, "/api/program/halls/2", HALL_2);
  await put(page.request, origin, "/api/program/halls/1", HALL_1);
  await put(page.request, origin, "/api/program/showings/901", {
    movieId: 1,
    hallId: "2",
    startsAt: new Date(duneAt).toISOString(),
    price: 1250,
  });
  await put(page.request, origin, "/api/program/showings/902", {
    movieId: 1,
    hallId: "2",
    startsAt: new Date(duneAt + 24 * 60 * MINUTE).toISOString(),
    price: 1250,
  });
  await put(page.request, origin, "/api/program/showings/903", {
    movieId: 2,
    hallId: "1",
    startsAt: new Date(now + 90 * MINUTE).toISOString(),
    price: 900,
  });
  await put(page.request, origin, "/api/program/showings/904", {
    movieId: 3,
    hallId: "1",
    startsAt: new Date(now - 20 * MINUTE).toISOString(),
    price: 900,
  });
  for (const [name, seats] of EARLIER_SALES) await sellThroughApi(page.request, origin, name, seats, 1, 901);
  await sellThroughApi(page.request, origin, "Townes", ["C5", "C6"], 2, 903);

  // A colleague's desk, open on the same showing, watching.
  const watcher = await openPage(app.storageState);
  await watcher.goto("/?movieId=1&sessionId=901");
  await expect(watcher.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  // Movie and Session from the address name a programme showing: the picker shows it chosen.
  await expect(watcher.getByRole("combobox", { name: "Screening" })).toHaveValue(
    new RegExp(`^${DUNE} · ${hhmm(now + 60 * MINUTE)} · Hall 2`),
  );

  await openDesk(page);
  const duneName = new RegExp(`^${DUNE} · ${hhmm(duneAt)} · Hall 2( · tomorrow)?$`);

  // (a) + (b): from here until the sale, the keyboard alone.
  const name = field(page, "Name");
  await expect(name).toBeFocused();
  await page.keyboard.type("Ada Lovelace");
  await page.keyboard.press("Tab");
  const picker = page.getByRole("combobox", { name: "Screening" });
  await expect(picker).toBeFocused();
  await expect(picker).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.type("dun");
  await expect(picker).toHaveAttribute("aria-expanded", "true");
  const options = page.getByRole("listbox", { name: "Screenings" }).getByRole("option");
  // Both Dune showings, the sooner first and active; nothing of the others.
  await expect(options).toHaveCount(2);
  await expect(options.first()).toHaveAccessibleName(
    new RegExp(`^${DUNE} · ${hhmm(duneAt)} · Hall 2( · tomorrow)?, ${HALL_2_CAPACITY - EARLIER_SEATS} left$`),
  );
  await expect(options.nth(1)).toHaveAccessibleName(new RegExp(`^${DUNE} · ${hhmm(duneAt)} · Hall 2 · \\w+.*, ${HALL_2_CAPACITY} left$`));
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await expect(picker).toHaveAttribute("aria-activedescendant", (await options.first().getAttribute("id"))!);
  await page.screenshot({ path: join(testInfo.outputDir, "desk-picker.png") });
  await page.keyboard.press("Enter");

  await expect(picker).toHaveAttribute("aria-expanded", "false");
  await expect(picker).toHaveValue(duneName);
  await expect(field(page, "Movie")).toHaveValue("1");
  await expect(field(page, "Session")).toHaveValue("901");
  await expect(page.getByRole("heading", { level: 2, name: duneName })).toBeVisible();
  await expect(page.getByTestId("seats-free")).toHaveText(`${HALL_2_CAPACITY - EARLIER_SEATS} of ${HALL_2_CAPACITY} free`);
  // Picking with Enter carries on into the seat map, on its first free place.
  await expect(seat(page, "A1")).toBeFocused();
  for (let row = 0; row < 5; row++) await page.keyboard.press("ArrowDown");
  await expect(seat(page, "F2")).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  // F4 is the aisle: the arrow passes it.
  await expect(seat(page, "F5")).toBeFocused();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  for (const picked of ["F5", "F6", "F7", "F8"]) await expect(seat(page, picked)).toHaveAttribute("aria-pressed", "true");
  await expect(seat(page, "F3")).toHaveAttribute("aria-pressed", "false");
  await expect(field(page, "Seat")).toHaveValue("F5, F6, F7, F8");
  const sellFour = page.getByRole("button", { name: "Sell 4 tickets", exact: true });
  await expect(sellFour).toBeVisible();
  await expect(page.getByTestId("sale-total")).toHaveText("4 × 12.50 = 50.00");
  await page.screenshot({ path: join(testInfo.outputDir, "desk-keyboard.png") });
  await page
    .locator("section", { has: page.getByTestId("seat-map") })
    .screenshot({ path: join(testInfo.outputDir, "seat-map-keyboard.png") });

  const before = Number(await redisCli("XLEN", app.stream));
  await page.keyboard.press("Tab");
  await expect(sellFour).toBeFocused();
  await page.keyboard.press("Enter");

  const status = statusMessage(page);
  await expect(status).toContainText("Sold F5, F6, F7, F8 to Ada Lovelace. Entries ");
  // Four plain entries (name, seat, movieId, sessionId), then who sold them and the price in cents.
  expect(Number(await redisCli("XLEN", app.stream))).toBe(before + 4);
  const lines = (await redisCli("XREVRANGE", app.stream, "+", "-", "COUNT", "4")).split("\n");
  expect(lines).toHaveLength(4 * 13);
  const entries = Array.from({ length: 4 }, (_, i) => lines.slice(i * 13, i * 13 + 13)).reverse();
  const ids = entries.map((entry) => entry[0]!);
  expect(entries.map((entry) => entry.slice(1))).toEqual(
    ["F5", "F6", "F7", "F8"].map((s) => [
      "name",
      "Ada Lovelace",
      "seat",
      s,
      "movieId",
      "1",
      "sessionId",
      "901",
      "soldBy",
      "admin",
      "price",
      "1250",
    ]),
  );
  await expect(status).toHaveText(`Sold F5, F6, F7, F8 to Ada Lovelace. Entries ${ids.join(", ")}.`);
  await expect(name).toHaveValue("");
  await expect(field(page, "Seat")).toHaveValue("");
  await expect(name).toBeFocused();
  await expect(seat(page, "F5")).toHaveAccessibleName("F5 sold");

  // (c) The colleague's desk shows the four sales in its feed and its seat map, without a reload.
  for (const id of ids) await expect(feedEntry(watcher, id)).toBeVisible();
  for (const s of ["F5", "F6", "F7", "F8"]) await expect(watcher.getByRole("button", { name: `${s} sold`, exact: true })).toBeVisible();
  await expect(watcher.getByTestId("seats-free")).toHaveText(`${HALL_2_CAPACITY - EARLIER_SEATS - 4} of ${HALL_2_CAPACITY} free`);

  // The screening outlives a reload; Name has the focus again.
  await page.reload();
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  await expect(picker).toHaveValue(duneName);
  await expect(field(page, "Movie")).toHaveValue("1");
  await expect(field(page, "Session")).toHaveValue("901");
  await expect(name).toBeFocused();

  // (d) G8 is sold at another desk between the pick and the sale: the whole sale is refused.
  await page.keyboard.type("Grace Hopper");
  await page.getByRole("button", { name: "G7 free", exact: true }).click();
  await page.getByRole("button", { name: "G8 free", exact: true }).click();
  await expect(field(page, "Seat")).toHaveValue("G7, G8");
  const xlen = Number(await redisCli("XLEN", app.stream));
  await sellThroughApi(page.request, origin, "Someone Else", ["G8"], 1, 901);
  await page.getByRole("button", { name: "Sell 2 tickets", exact: true }).click();
  await expect(status).toContainText(/Seat G8 is already sold for Dune: Part Two · \d\d:\d\d · Hall 2.*Nothing was sold/);
  await expect(status).not.toContainText("G7");
  await expect(field(page, "Seat")).toHaveAttribute("aria-invalid", "true");
  await expect(field(page, "Seat")).toHaveValue("G7, G8");
  expect(Number(await redisCli("XLEN", app.stream))).toBe(xlen + 1);
  expect(await soldSeats(page, 1, 901)).not.toContain("G7");
  await expect(page.getByRole("button", { name: "G8 sold", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "G7 free", exact: true })).toHaveAttribute("aria-pressed", "true");
  await page.screenshot({ path: join(testInfo.outputDir, "desk-refused.png") });
  // The next pick drops the seat that went, and the rest sells.
  await page.getByRole("button", { name: "G9 free", exact: true }).click();
  await expect(field(page, "Seat")).toHaveValue("G7, G9");
  await page.getByRole("button", { name: "Sell 2 tickets", exact: true }).click();
  await expect(status).toContainText("Sold G7, G9 to Grace Hopper.");
  expect(await soldSeats(page, 1, 901)).toEqual(expect.arrayContaining(["G7", "G8", "G9"]));

  // (e) Aisles are gaps, not seats; wheelchair places say so.
  for (const aisle of ["A3", "F4", "F13", "L5"]) await expect(seat(page, aisle)).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^F4\b/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "A1 free, wheelchair place", exact: true })).toHaveText("♿");
  await expect(page.getByRole("button", { name: "A14 free, wheelchair place", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "A4 free", exact: true })).toBeVisible();

  // The closed showing is not offered; the picker lists the rest soonest first.
  await picker.click();
  await expect(options).toHaveCount(3);
  await expect(options.nth(0)).toHaveAccessibleName(new RegExp(`^${DUNE} · ${hhmm(duneAt)} `));
  await expect(options.nth(1)).toHaveAccessibleName(new RegExp(`^Paddington in Peru · ${hhmm(now + 90 * MINUTE)} · Hall 1.*, 70 left$`));
  await expect(options.nth(2)).toHaveAccessibleName(new RegExp(`^${DUNE} · ${hhmm(duneAt)} · Hall 2 · `));
  await expect(page.getByRole("option", { name: /Wallace/ })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(picker).toHaveValue(duneName);

  // MAX_SEATS_PER_SALE (10): the eleventh seat is refused, and the desk says why.
  const row = ["H1", "H2", "H3", "H5", "H6", "H7", "H8", "H9", "H10", "H11"];
  for (const s of row) await page.getByRole("button", { name: `${s} free`, exact: true }).click();
  await expect(page.getByRole("button", { name: "Sell 10 tickets", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "H12 free", exact: true }).click();
  await expect(page.getByText("One sale holds at most 10 seats")).toBeVisible();
  await expect(page.getByRole("button", { name: "H12 free", exact: true })).toHaveAttribute("aria-pressed", "false");
  await expect(field(page, "Seat")).toHaveValue(row.join(", "));
  // Letting one go makes room again.
  await page.getByRole("button", { name: "H1 free", exact: true }).click();
  await expect(page.getByText("One sale holds at most 10 seats")).toBeHidden();
  await field(page, "Seat").fill("");
  await expect(page.getByRole("button", { name: "Sell ticket", exact: true })).toBeVisible();

  // The next buyer, mid-sale, for the screenshot in the README.
  await field(page, "Name").fill("Ken Thompson");
  for (const s of ["J7", "J8", "J9"]) await page.getByRole("button", { name: `${s} free`, exact: true }).click();
  await expect(page.getByTestId("sale-total")).toHaveText("3 × 12.50 = 37.50");
  await field(page, "Name").focus();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(testInfo.outputDir, "desk.png") });
});
