import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "@playwright/test";
import type { ProgramDocument, ProgramView } from "../lib/validations/program";
import { expect, test } from "./fixtures";
import { ROOT } from "./support/env";
import { openLive } from "./support/groups";

test.use({ viewport: { width: 1440, height: 900 } });

const region = (page: Page, name: "Films" | "Halls" | "Showings") => page.getByRole("region", { name, exact: true });
const movieRow = (page: Page, movieId: string) => page.locator(`[data-testid="program-movie"][data-movie-id="${movieId}"]`);
const hallRow = (page: Page, hallId: string) => page.locator(`[data-testid="program-hall"][data-hall-id="${hallId}"]`);
const showingRow = (page: Page, sessionId: string) => page.locator(`[data-testid="program-showing"][data-session-id="${sessionId}"]`);
const place = (page: Page, seat: string) => page.getByTestId("plan-preview").locator(`[data-seat="${seat}"]`);

/** The programme as the server holds it, read with the page's own session. */
async function programNow(page: Page): Promise<ProgramView> {
  const response = await page.request.get("/api/program?all=1");
  expect(response.status()).toBe(200);
  return (await response.json()) as ProgramView;
}

/** A time `minutesAhead` from now as the browser's datetime-local input takes it and as the page shows it. */
async function localStart(page: Page, minutesAhead: number): Promise<{ input: string; iso: string; time: string; day: string }> {
  return page.evaluate((minutes) => {
    const d = new Date(Date.now() + minutes * 60_000);
    d.setSeconds(0, 0);
    const two = (n: number) => String(n).padStart(2, "0");
    const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
    const dayName = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long" }).format(d);
    return {
      input: `${date}T${two(d.getHours())}:${two(d.getMinutes())}`,
      iso: d.toISOString(),
      time: `${two(d.getHours())}:${two(d.getMinutes())}`,
      day: dayName,
    };
  }, minutesAhead);
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error("not laid out");
  return b;
}

test("a supervisor builds a small programme: a film, a hall whose plan draws as it is typed, a showing; an overlap is refused", async ({
  page,
}, testInfo) => {
  await openLive(page, "/program");
  await expect(page).toHaveTitle("Programme · StreamDesk");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Programme" })).toHaveAttribute("href", "/program");
  await expect(region(page, "Films")).toContainText("No films yet");

  // A film.
  const films = region(page, "Films");
  await films.getByLabel("Title").fill("Night Harbour");
  await films.getByLabel("Movie id").fill("71");
  await films.getByLabel("Running time").fill("118");
  await films.getByRole("button", { name: "Add film" }).click();
  await expect(films.getByRole("status")).toHaveText("Added Night Harbour (movie 71).");
  await expect(movieRow(page, "71")).toContainText("Night Harbour");
  await expect(movieRow(page, "71")).toContainText("118 min");
  // The same id again would replace it: the form says so instead.
  await films.getByLabel("Title").fill("Something Else");
  await films.getByLabel("Movie id").fill("71");
  await films.getByRole("button", { name: "Add film" }).click();
  await expect(films.getByRole("alert")).toContainText("Movie id 71 is already Night Harbour");
  await expect(films.getByLabel("Movie id")).toHaveAttribute("aria-invalid", "true");
  await films.getByLabel("Title").fill("");
  await films.getByLabel("Movie id").fill("");
  await expect(films.getByLabel("Movie id")).not.toHaveAttribute("aria-invalid", "true");

  // A hall: two rows of 9 places, an aisle at 5, wheelchair places at A1 and A2.
  const halls = region(page, "Halls");
  await halls.getByLabel("Hall id").fill("studio");
  await halls.getByLabel("Name").fill("Studio 3");
  const rowA = halls.getByRole("group", { name: "Plan row 1" });
  await expect(rowA.getByLabel("Row", { exact: true })).toHaveValue("A");
  await rowA.getByLabel("Seats").fill("9");
  await rowA.getByLabel("Aisles").fill("5");
  // The plan follows the typing: A5 is already a gap before the wheelchair places are typed.
  await expect(place(page, "A5")).toHaveAttribute("data-kind", "aisle");
  await expect(place(page, "A1")).toHaveAttribute("data-kind", "seat");
  await rowA.getByLabel("Wheelchair").fill("1, 2");
  await halls.getByRole("button", { name: "Add row" }).click();
  await halls.getByRole("button", { name: "Add row" }).click();
  const rowB = halls.getByRole("group", { name: "Plan row 2" });
  await expect(rowB.getByLabel("Row", { exact: true })).toHaveValue("B");
  await expect(rowB.getByLabel("Seats")).toHaveValue("9");
  await expect(rowB.getByLabel("Aisles")).toHaveValue("5");
  await expect(place(page, "C1")).toHaveAttribute("data-kind", "seat");
  await halls.getByRole("button", { name: "Remove plan row 3" }).click();
  await expect(place(page, "C1")).toHaveCount(0);

  const preview = page.getByTestId("plan-preview");
  await expect(preview).toContainText("Screen");
  await expect(page.getByTestId("plan-capacity")).toHaveText("16 seats · 2 wheelchair places");
  for (const seat of ["A1", "A2"]) {
    await expect(place(page, seat)).toHaveAttribute("data-kind", "wheelchair");
    await expect(place(page, seat)).toHaveText("♿");
  }
  for (const seat of ["A3", "A4", "A6", "B1", "B9"]) await expect(place(page, seat)).toHaveAttribute("data-kind", "seat");
  for (const seat of ["A5", "B5"]) {
    await expect(place(page, seat)).toHaveAttribute("data-kind", "aisle");
    await expect(place(page, seat)).toHaveText("");
    await expect(place(page, seat)).toHaveCSS("border-top-width", "0px");
  }
  // Drawn as a gap one place wide between A4 and A6, the same in both rows; wheelchair places look different from seats.
  const [a4, a6, b4, b6] = await Promise.all(["A4", "A6", "B4", "B6"].map((seat) => box(place(page, seat))));
  expect(a6!.x - (a4!.x + a4!.width)).toBeGreaterThan(a4!.width);
  expect(b4!.x).toBeCloseTo(a4!.x, 0);
  expect(b6!.x).toBeCloseTo(a6!.x, 0);
  expect(b4!.y).toBeGreaterThan(a4!.y);
  const background = (seat: string) => place(page, seat).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await background("A1")).not.toBe(await background("A3"));

  // The server's refusal names the row and input: a wheelchair place cannot be on the aisle.
  await rowA.getByLabel("Wheelchair").fill("1, 2, 5");
  await expect(place(page, "A5")).toHaveAttribute("data-kind", "aisle");
  await halls.getByRole("button", { name: "Add hall" }).click();
  await expect(halls.getByRole("alert")).toHaveText("Seat A5 is an aisle; a wheelchair place must be a seat.");
  await expect(rowA.getByLabel("Wheelchair")).toHaveAttribute("aria-invalid", "true");
  await expect(hallRow(page, "studio")).toHaveCount(0);
  await rowA.getByLabel("Wheelchair").fill("1, 2");
  await expect(rowA.getByLabel("Wheelchair")).not.toHaveAttribute("aria-invalid", "true");

  await halls.getByRole("button", { name: "Add hall" }).click();
  await expect(halls.getByRole("status")).toHaveText("Added Studio 3: 16 seats · 2 wheelchair places.");
  await expect(hallRow(page, "studio")).toContainText("Studio 3");
  await expect(hallRow(page, "studio")).toContainText("16 seats · 2 wheelchair places · 2 rows");

  // A showing in two hours.
  const showings = region(page, "Showings");
  const start = await localStart(page, 120);
  await showings.getByLabel("Session id").fill("7101");
  await showings.getByLabel("Film").selectOption({ label: "Night Harbour" });
  await showings.getByLabel("Hall").selectOption({ label: "Studio 3" });
  await showings.getByLabel("Start").fill(start.input);
  await showings.getByLabel("Price").fill("12.50");
  await showings.getByRole("button", { name: "Add showing" }).click();
  await expect(showings.getByRole("status")).toHaveText(`Added session 7101: Night Harbour · ${start.time} · Studio 3.`);
  const added = showingRow(page, "7101");
  await expect(added).toContainText(`Night Harbour · ${start.time} · Studio 3`);
  await expect(added).toContainText("12.50");
  await expect(added.getByTestId("showing-sold")).toHaveText("0/16");
  // Listed under its day (today, or tomorrow when two hours from now is past midnight).
  await expect(showings.getByRole("region", { name: new RegExp(`${start.day}$`) }).locator('[data-session-id="7101"]')).toBeVisible();
  expect((await programNow(page)).showings).toEqual([
    { sessionId: "7101", movieId: "71", hallId: "studio", startsAt: start.iso, price: 1250, capacity: 16, sold: 0 },
  ]);

  // Half an hour later in the same hall is while Night Harbour (118 min) still runs: refused, in words.
  const clash = await localStart(page, 150);
  await showings.getByLabel("Session id").fill("7102");
  await expect(showings.getByLabel("Film")).toHaveValue("71");
  await expect(showings.getByLabel("Hall")).toHaveValue("studio");
  await showings.getByLabel("Start").fill(clash.input);
  await showings.getByRole("button", { name: "Add showing" }).click();
  await expect(showings.getByRole("alert")).toContainText("Session 7102 overlaps session 7101 in Studio 3 (Night Harbour, ");
  await expect(showingRow(page, "7102")).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("program-overlap.png") });
  expect((await programNow(page)).showings.map((s) => s.sessionId)).toEqual(["7101"]);

  // Editing the film: the running time changes in the list.
  await movieRow(page, "71").getByRole("button", { name: "Edit Night Harbour" }).click();
  await expect(films.getByLabel("Movie id")).toHaveValue("71");
  await expect(films.getByLabel("Movie id")).not.toBeEditable();
  await films.getByLabel("Running time").fill("121");
  await films.getByRole("button", { name: "Save film" }).click();
  await expect(films.getByRole("status")).toHaveText("Saved Night Harbour.");
  await expect(movieRow(page, "71")).toContainText("121 min");

  // Deleting asks first; a film with a showing is refused with the server's sentence; the showing can go.
  await movieRow(page, "71").getByRole("button", { name: "Delete Night Harbour" }).click();
  const confirmFilm = page.getByRole("dialog", { name: "Delete Night Harbour?" });
  await confirmFilm.getByRole("button", { name: "Delete film" }).click();
  await expect(confirmFilm.getByRole("alert")).toHaveText("Night Harbour has a showing (session 7101); delete it first.");
  await confirmFilm.getByRole("button", { name: "Keep it" }).click();
  await expect(confirmFilm).toBeHidden();
  await added.getByRole("button", { name: "Delete session 7101" }).click();
  const confirmShowing = page.getByRole("dialog", { name: "Delete session 7101?" });
  await expect(confirmShowing).toContainText(`Night Harbour · ${start.time} · Studio 3`);
  await confirmShowing.getByRole("button", { name: "Delete showing" }).click();
  await expect(confirmShowing).toBeHidden();
  await expect(added).toHaveCount(0);
  expect((await programNow(page)).showings).toEqual([]);
});

test("a seller is not offered the programme page, and the server refuses their changes", async ({ page, app, signIn, openPage }) => {
  const origin = { origin: app.baseURL };
  const created = await page.request.post("/api/staff", {
    headers: origin,
    data: { username: "sam", password: "first-password-1", role: "seller" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const seller = await openPage(await signIn("sam", "first-password-1"));
  const changed = await seller.request.post("/api/session/password", {
    headers: origin,
    data: { currentPassword: "first-password-1", newPassword: "sellers-own-password" },
  });
  expect(changed.status(), await changed.text()).toBe(204);

  await openLive(seller, "/program");
  await expect(seller.getByRole("heading", { name: "Supervisors only" })).toBeVisible();
  await expect(seller.getByLabel("Title")).toHaveCount(0);
  await expect(seller.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Programme" })).toHaveCount(0);
  const refused = await seller.request.put("/api/program/movies/71", { headers: origin, data: { title: "Night Harbour" } });
  expect(refused.status()).toBe(403);
  const imported = await seller.request.post("/api/program/import", {
    headers: origin,
    data: { movies: [{ movieId: "71", title: "Night Harbour" }] },
  });
  expect(imported.status()).toBe(403);
  // Reading it is for everyone at the desk.
  expect(await programNow(seller)).toEqual({ movies: [], halls: [], showings: [] });
});

/** The example programme moved so that its first day is today, whatever day the suite runs. */
function exampleFromToday(): ProgramDocument {
  const example = JSON.parse(readFileSync(join(ROOT, "examples", "program.json"), "utf8")) as ProgramDocument;
  const first = Math.min(...example.showings.map((s) => Date.parse(s.startsAt)));
  const firstDay = new Date(first);
  firstDay.setHours(0, 0, 0, 0);
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const shift = today.getTime() - firstDay.getTime();
  return {
    ...example,
    showings: example.showings.map((s) => ({ ...s, startsAt: new Date(Date.parse(s.startsAt) + shift).toISOString() })),
  };
}

async function importFile(page: Page, name: string, document: unknown): Promise<void> {
  await page
    .getByLabel("Import programme (JSON)")
    .setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(document, null, 2)) });
  await page.getByRole("button", { name: "Import", exact: true }).click();
}

test("importing a programme file adds it in one step; a file with errors lists each problem with its path and changes nothing", async ({
  page,
  app,
}, testInfo) => {
  await openLive(page, "/program");
  await expect(page.getByRole("link", { name: "Download programme (JSON)" })).toHaveAttribute("href", "/api/program?all=1");

  const example = exampleFromToday();
  await importFile(page, "program.json", example);
  await expect(page.getByRole("status").filter({ hasText: "Imported" })).toHaveText(
    "Imported program.json: 4 films, 2 halls, 39 showings added or replaced.",
  );
  await expect(page.getByTestId("program-movie")).toHaveCount(4);
  await expect(page.getByTestId("program-hall")).toHaveCount(2);
  await expect(page.getByTestId("program-showing")).toHaveCount(39);
  await expect(movieRow(page, "53")).toContainText("Dune: Part Two");
  await expect(hallRow(page, "1")).toContainText("112 seats · 4 wheelchair places · 8 rows");
  await expect(hallRow(page, "2")).toContainText("60 seats · 2 wheelchair places · 6 rows");
  const first = example.showings[0]!;
  await expect(showingRow(page, first.sessionId)).toContainText(
    `Paddington in Peru · ${await page.evaluate((iso) => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso)), first.startsAt)} · Hall 1`,
  );
  await expect(page.getByRole("region", { name: /^Today · / })).toBeVisible();
  const imported = await programNow(page);
  expect(imported.showings).toHaveLength(39);
  expect(imported.halls.find((h) => h.hallId === "1")?.rows[0]).toEqual({ row: "A", seats: 15, aisles: [8], wheelchair: [1, 2, 14, 15] });

  // A file with mistakes in its shape: every one listed with where it is; nothing of it is stored.
  const broken = {
    movies: [
      { movieId: "80", title: "" },
      { movieId: "81", title: "Perfectly Fine" },
    ],
    halls: [{ hallId: "3", name: "Hall 3", rows: [{ row: "A", seats: 10, aisles: [11] }] }],
    showings: [{ sessionId: "990", movieId: "53", hallId: "1", startsAt: "tomorrow at eight" }],
  };
  await importFile(page, "broken.json", broken);
  const problems = page.getByTestId("import-problem");
  await expect(page.getByRole("alert").filter({ hasText: "broken.json" })).toHaveText(
    "broken.json has 3 problems; nothing was imported. Fix each one and import again.",
  );
  await expect(problems).toHaveText([
    "movies[0].title: Title is required.",
    "halls[0].rows[0].aisles[0]: Row A has 10 seats, so 11 is not one of them.",
    "showings[0].startsAt: Start time must be a date and time with its zone, like 2026-12-02T20:30:00Z.",
  ]);

  // A well-formed file that breaks the programme's rules: a film that is not there, an overlap with what is stored.
  const clash = new Date(Date.parse(first.startsAt) + 30 * 60_000).toISOString();
  await importFile(page, "clash.json", {
    movies: [{ movieId: "81", title: "Perfectly Fine" }],
    showings: [
      { sessionId: "995", movieId: "99", hallId: "2", startsAt: example.showings.at(-1)!.startsAt.replace(/T.*/, "T09:00:00Z") },
      { sessionId: "996", movieId: "81", hallId: "1", startsAt: clash },
    ],
  });
  await expect(page.getByRole("alert").filter({ hasText: "clash.json" })).toContainText("clash.json has 2 problems; nothing was imported.");
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toHaveText("showings[0].movieId: There is no film with movie id 99; add it first.");
  await expect(problems.nth(1)).toContainText(
    `showings[1].startsAt: Session 996 overlaps session ${first.sessionId} in Hall 1 (Paddington in Peru, `,
  );
  await page.getByRole("region", { name: "Programme file" }).screenshot({ path: testInfo.outputPath("program-import-problems.png") });
  expect(await programNow(page)).toEqual(imported);
  await expect(page.getByTestId("program-movie")).toHaveCount(4);
  await expect(movieRow(page, "81")).toHaveCount(0);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(problems).toHaveCount(0);

  // A few sales so the list reads like a working evening, then the screenshots.
  const upcoming = imported.showings.filter((s) => Date.parse(s.startsAt) > Date.now() + 30 * 60_000).slice(0, 4);
  const seats = ["B3", "B4", "C3", "C4", "C5", "D9", "D10", "E6", "E7", "F1"];
  for (const [i, showing] of upcoming.entries()) {
    const response = await page.request.post("/api/tickets", {
      headers: { origin: app.baseURL },
      data: { name: `Guest ${i + 1}`, seats: seats.slice(0, 10 - i * 2), movieId: showing.movieId, sessionId: showing.sessionId },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  const busiest = upcoming[0];
  if (busiest) {
    const row = showingRow(page, busiest.sessionId);
    await expect(row.getByTestId("showing-sold")).toHaveText(`10/${busiest.capacity}`);
    // A showing with sales keeps its film and hall; its price can still change.
    await row.getByRole("button", { name: `Edit session ${busiest.sessionId}` }).click();
    const showings = region(page, "Showings");
    await expect(showings.getByLabel("Session id")).toHaveValue(busiest.sessionId);
    await expect(showings.getByLabel("Film")).toBeDisabled();
    await expect(showings.getByLabel("Hall")).toBeDisabled();
    await expect(showings.getByLabel("Start")).toBeFocused();
    await showings.getByLabel("Price").fill("9");
    await showings.getByRole("button", { name: "Save showing" }).click();
    await expect(showings.getByRole("status")).toContainText(`Saved session ${busiest.sessionId}: `);
    await expect(row).toContainText("9.00");
    expect((await programNow(page)).showings.find((s) => s.sessionId === busiest.sessionId)).toMatchObject({
      price: 900,
      sold: 10,
      startsAt: busiest.startsAt,
    });
  }
  await hallRow(page, "1").getByRole("button", { name: "Edit Hall 1" }).click();
  await expect(page.getByTestId("plan-capacity")).toHaveText("112 seats · 4 wheelchair places");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath("program.png") });
  await page.screenshot({ path: testInfo.outputPath("program-full.png"), fullPage: true });
  await region(page, "Halls").screenshot({ path: testInfo.outputPath("program-halls.png") });
});
