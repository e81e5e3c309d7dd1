import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { changeProgram, readProgram } from "@/lib/program";
import { toEntries, type RawEntry } from "@/lib/entries";
import { programProblems, parseProgramDocument, type ProgramDocument } from "@/lib/validations/program";
import * as program from "@/app/api/program/route";
import * as importRoute from "@/app/api/program/import/route";
import * as movies from "@/app/api/program/movies/[movieId]/route";
import * as halls from "@/app/api/program/halls/[hallId]/route";
import * as showings from "@/app/api/program/showings/[sessionId]/route";
import * as tickets from "@/app/api/tickets/route";
import * as refund from "@/app/api/tickets/[id]/refund/route";
import * as seatMap from "@/app/api/screenings/[movieId]/[sessionId]/route";
import * as exportRoute from "@/app/api/tickets/export.csv/route";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };
const at = <P extends Record<string, string>>(params: P) => ({ params: Promise.resolve(params) });
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Hall 2: rows A–C of 10 seats, an aisle at 5 in every row, wheelchair places A1 and A2. */
const HALL_2 = {
  name: "Hall 2",
  rows: [
    { row: "A", seats: 10, aisles: [5], wheelchair: [1, 2] },
    { row: "B", seats: 10, aisles: [5] },
    { row: "C", seats: 10, aisles: [5] },
  ],
};

async function desk(overrides: Parameters<typeof withContext>[2] = {}) {
  const { redis, keys } = await redisFixture();
  withContext(redis, keys, overrides);
  const supervisor = await signedIn(redis, keys, "sue", "supervisor");
  const seller = await signedIn(redis, keys, "ann", "seller");
  return { redis, keys, supervisor, seller };
}

/** Dune (155 min) in Hall 2 as session 832, starting `startsIn` minutes from now, at 12.50. */
async function duneTonight(cookie: string, startsIn = 120) {
  expect(
    (
      await movies.PUT(
        request("/api/program/movies/53", { method: "PUT", body: { title: "Dune", runtimeMinutes: 155 }, cookie }),
        at({ movieId: "53" }),
      )
    ).status,
  ).toBe(201);
  expect((await halls.PUT(request("/api/program/halls/2", { method: "PUT", body: HALL_2, cookie }), at({ hallId: "2" }))).status).toBe(201);
  const showing = { movieId: 53, hallId: "2", startsAt: inMinutes(startsIn), price: 1250 };
  expect(
    (await showings.PUT(request("/api/program/showings/832", { method: "PUT", body: showing, cookie }), at({ sessionId: "832" }))).status,
  ).toBe(201);
}

async function sell(cookie: string, body: unknown) {
  const response = await tickets.POST(request("/api/tickets", { body, cookie }), none);
  return {
    status: response.status,
    body: (await response.json()) as { id?: string; ids?: string[]; error?: string; taken?: { seat: string }[]; field?: string },
  };
}

describe("the programme's rules", () => {
  const base: ProgramDocument = {
    movies: [
      { movieId: "53", title: "Dune", runtimeMinutes: 155 },
      { movieId: "54", title: "Arrival" },
    ],
    halls: [{ hallId: "2", ...HALL_2 }],
    showings: [{ sessionId: "832", movieId: "53", hallId: "2", startsAt: "2026-12-02T18:00:00.000Z" }],
  };

  it("accepts a showing that starts when the one before it in the hall ends", () => {
    const next = {
      ...base,
      showings: [...base.showings, { sessionId: "833", movieId: "54", hallId: "2", startsAt: "2026-12-02T20:35:00.000Z" }],
    };
    expect(programProblems(next)).toEqual([]);
  });

  it("refuses a showing that starts before the film before it in the hall has ended, naming both", () => {
    const next = {
      ...base,
      showings: [...base.showings, { sessionId: "833", movieId: "54", hallId: "2", startsAt: "2026-12-02T20:34:00.000Z" }],
    };
    expect(programProblems(next)).toEqual([
      {
        path: "showings[1].startsAt",
        message: expect.stringMatching(/Session 833 overlaps session 832 in Hall 2 \(Dune, 18:00–20:35 UTC\)/),
      },
    ]);
  });

  it("refuses showings naming an unknown film or hall, and ids listed twice", () => {
    const next = {
      ...base,
      movies: [...base.movies, { movieId: "53", title: "Dune again" }],
      showings: [...base.showings, { sessionId: "900", movieId: "99", hallId: "imax", startsAt: "2026-12-03T18:00:00.000Z" }],
    };
    expect(programProblems(next).map((p) => p.path)).toEqual(["movies[2]", "showings[1].movieId", "showings[1].hallId"]);
  });

  it("checks the shape of a document with a path for every problem", () => {
    const parsed = parseProgramDocument({
      movies: [{ movieId: 0, title: "" }],
      halls: [{ hallId: "Hall 2!", name: "H", rows: [{ row: "A", seats: 10, aisles: [11], wheelchair: [5] }] }],
      showings: [{ sessionId: "1", movieId: "53", hallId: "2", startsAt: "tomorrow", price: -1 }],
    });
    expect("problems" in parsed && parsed.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "movies[0].movieId",
        "movies[0].title",
        "halls[0].hallId",
        "halls[0].rows[0].aisles[0]",
        "showings[0].startsAt",
        "showings[0].price",
      ]),
    );
  });
});

describe("keeping the programme", () => {
  it("adds and changes films, halls and showings, each with its audit entry, and lists them with capacity and sales", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    const renamed = await movies.PUT(
      request("/api/program/movies/53", { method: "PUT", body: { title: "Dune: Part One", runtimeMinutes: 155 }, cookie: supervisor }),
      at({ movieId: "53" }),
    );
    expect(renamed.status).toBe(200);
    expect((await sell(seller, { name: "Ada", seats: ["A1", "A2"], movieId: 53, sessionId: 832 })).status).toBe(201);

    const listed = await program.GET(request("/api/program", { cookie: seller }), none);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({
      movies: [{ movieId: "53", title: "Dune: Part One", runtimeMinutes: 155 }],
      halls: [{ hallId: "2", ...HALL_2 }],
      showings: [{ sessionId: "832", movieId: "53", hallId: "2", startsAt: expect.any(String), price: 1250, capacity: 27, sold: 2 }],
    });
    const audit = toEntries((await redis.xrange(keys.audit, "-", "+")) as RawEntry[]).filter((e) =>
      e.fields.action?.startsWith("program."),
    );
    expect(audit.map((e) => [e.fields.actor, e.fields.action, e.fields.target])).toEqual([
      ["sue", "program.movie.put", "53"],
      ["sue", "program.hall.put", "2"],
      ["sue", "program.showing.put", "832"],
      ["sue", "program.movie.put", "53"],
    ]);
  });

  it("refuses sellers with 403 and writes nothing", async () => {
    const { redis, keys, seller } = await desk();
    const response = await movies.PUT(
      request("/api/program/movies/53", { method: "PUT", body: { title: "Dune" }, cookie: seller }),
      at({ movieId: "53" }),
    );
    expect(response.status).toBe(403);
    expect(await redis.exists(keys.program)).toBe(0);
  });

  it("answers 409 for a showing overlapping another in its hall, and 400 for an unknown film or hall", async () => {
    const { supervisor } = await desk();
    await duneTonight(supervisor);
    const overlap = await showings.PUT(
      request("/api/program/showings/833", {
        method: "PUT",
        body: { movieId: 53, hallId: "2", startsAt: inMinutes(200) },
        cookie: supervisor,
      }),
      at({ sessionId: "833" }),
    );
    expect(overlap.status).toBe(409);
    expect(await overlap.json()).toEqual({ error: expect.stringMatching(/overlaps session 832 in Hall 2/) });
    const unknown = await showings.PUT(
      request("/api/program/showings/834", {
        method: "PUT",
        body: { movieId: 99, hallId: "2", startsAt: inMinutes(600) },
        cookie: supervisor,
      }),
      at({ sessionId: "834" }),
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: expect.stringMatching(/no film with movie id 99/) });
    const noHall = await showings.PUT(
      request("/api/program/showings/834", {
        method: "PUT",
        body: { movieId: 53, hallId: "imax", startsAt: inMinutes(600) },
        cookie: supervisor,
      }),
      at({ sessionId: "834" }),
    );
    expect(noHall.status).toBe(400);
  });

  it("refuses to delete what has sales or is in use, and to move a showing with sales to another hall", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    await halls.PUT(
      request("/api/program/halls/3", { method: "PUT", body: { name: "Hall 3", rows: [{ row: "A", seats: 5 }] }, cookie: supervisor }),
      at({ hallId: "3" }),
    );
    expect((await sell(seller, { name: "Ada", seat: "B3", movieId: 53, sessionId: 832 })).status).toBe(201);
    const before = await readProgram(redis, keys);

    const del = (route: typeof movies | typeof halls | typeof showings, path: string, params: Record<string, string>) =>
      route.DELETE(request(path, { method: "DELETE", cookie: supervisor }), at(params as never));
    const film = await del(movies, "/api/program/movies/53", { movieId: "53" });
    expect([film.status, ((await film.json()) as { error: string }).error]).toEqual([
      409,
      expect.stringMatching(/Dune has a showing \(session 832\)/),
    ]);
    expect((await del(halls, "/api/program/halls/2", { hallId: "2" })).status).toBe(409);
    const showing = await del(showings, "/api/program/showings/832", { sessionId: "832" });
    expect([showing.status, ((await showing.json()) as { error: string }).error]).toEqual([409, expect.stringMatching(/has sales/)]);
    const moved = await showings.PUT(
      request("/api/program/showings/832", {
        method: "PUT",
        body: { movieId: 53, hallId: "3", startsAt: inMinutes(120) },
        cookie: supervisor,
      }),
      at({ sessionId: "832" }),
    );
    expect([moved.status, ((await moved.json()) as { error: string }).error]).toEqual([
      409,
      expect.stringMatching(/already has sales, so its hall cannot change/),
    ]);
    const shrunk = await halls.PUT(
      request("/api/program/halls/2", { method: "PUT", body: { name: "Hall 2", rows: [{ row: "A", seats: 10 }] }, cookie: supervisor }),
      at({ hallId: "2" }),
    );
    expect([shrunk.status, ((await shrunk.json()) as { error: string }).error]).toEqual([
      409,
      expect.stringMatching(/Seat B3 is sold for session 832/),
    ]);
    expect(await readProgram(redis, keys)).toEqual(before);

    expect((await del(halls, "/api/program/halls/3", { hallId: "3" })).status).toBe(204);
    expect((await del(halls, "/api/program/halls/3", { hallId: "3" })).status).toBe(404);
  });

  it("deletes a showing once its sales are refunded", async () => {
    const { supervisor, seller } = await desk();
    await duneTonight(supervisor);
    const { body } = await sell(seller, { name: "Ada", seat: "B3", movieId: 53, sessionId: 832 });
    expect(
      (await refund.POST(request(`/api/tickets/${body.id}/refund`, { method: "POST", cookie: supervisor }), at({ id: body.id! }))).status,
    ).toBe(201);
    expect(
      (await showings.DELETE(request("/api/program/showings/832", { method: "DELETE", cookie: supervisor }), at({ sessionId: "832" })))
        .status,
    ).toBe(204);
  });

  it("imports a whole programme in one step, and refuses one with problems listing each with its path, changing nothing", async () => {
    const { redis, keys, supervisor } = await desk();
    const document = {
      movies: [
        { movieId: 53, title: "Dune", runtimeMinutes: 155 },
        { movieId: 54, title: "Arrival", runtimeMinutes: 116 },
      ],
      halls: [{ hallId: "2", ...HALL_2 }],
      showings: [
        { sessionId: 832, movieId: 53, hallId: "2", startsAt: inMinutes(60), price: 1250 },
        { sessionId: 833, movieId: 54, hallId: "2", startsAt: inMinutes(240) },
      ],
    };
    const ok = await importRoute.POST(request("/api/program/import", { body: document, cookie: supervisor }), none);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ imported: { movies: 2, halls: 1, showings: 2 } });
    const stored = await readProgram(redis, keys);
    expect(stored.document.showings.map((s) => s.sessionId)).toEqual(["832", "833"]);

    const broken = {
      movies: [{ movieId: 55, title: "Heat", runtimeMinutes: 170 }],
      showings: [
        { sessionId: 834, movieId: 55, hallId: "2", startsAt: inMinutes(100) },
        { sessionId: 835, movieId: 77, hallId: "2", startsAt: inMinutes(2000) },
      ],
    };
    const refused = await importRoute.POST(request("/api/program/import", { body: broken, cookie: supervisor }), none);
    expect(refused.status).toBe(400);
    const answer = (await refused.json()) as { error: string; problems: { path: string; message: string }[] };
    expect(answer.problems).toEqual([
      { path: "showings[1].movieId", message: expect.stringMatching(/no film with movie id 77/) },
      { path: "showings[0].startsAt", message: expect.stringMatching(/Session 834 overlaps session 832 in Hall 2 \(Dune, /) },
      { path: "showings[0].startsAt", message: expect.stringMatching(/Session 834 overlaps session 833 in Hall 2 \(Arrival, /) },
    ]);
    expect(answer.error).toMatch(/3 problems; nothing was changed/);
    expect(await readProgram(redis, keys)).toEqual(stored);
    expect((await redis.xrange(keys.audit, "-", "+")).filter(([, f]) => f.includes("program.import"))).toHaveLength(1);
  });
});

describe("selling from the programme", () => {
  it("sells several seats in one step: one plain entry per seat (name, seat, movieId, sessionId), with soldBy and the showing's price", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    const { status, body } = await sell(seller, { name: "The Crews family", seats: ["B1", "B2", "B3", "B4"], movieId: 53, sessionId: 832 });
    expect(status).toBe(201);
    expect(body.ids).toHaveLength(4);
    const entries = await redis.xrange(keys.stream, "-", "+");
    expect(entries).toEqual(
      ["B1", "B2", "B3", "B4"].map((seat, i) => [
        body.ids![i],
        ["name", "The Crews family", "seat", seat, "movieId", "53", "sessionId", "832", "soldBy", "ann", "price", "1250"],
      ]),
    );
    expect(await redis.hgetall(keys.seats("53", "832"))).toEqual(
      Object.fromEntries(["B1", "B2", "B3", "B4"].map((seat, i) => [seat, body.ids![i]])),
    );
  });

  it("refuses the whole sale with 409 naming every seat already sold, writing nothing", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    await sell(seller, { name: "First", seats: ["B2", "B4"], movieId: 53, sessionId: 832 });
    const { status, body } = await sell(seller, { name: "Second", seats: ["B1", "B2", "B3", "B4"], movieId: 53, sessionId: 832 });
    expect(status).toBe(409);
    expect(body.error).toMatch(/Seats B2, B4 are already sold for Dune · \d\d:\d\d · Hall 2\. Nothing was sold/);
    expect(body.taken?.map((t) => t.seat)).toEqual(["B2", "B4"]);
    expect(await redis.xlen(keys.stream)).toBe(2);
    expect(await redis.hexists(keys.seats("53", "832"), "B1")).toBe(0);
  });

  it.each([
    [["ZZ999"], /ZZ999 is not a seat in Hall 2/],
    [["A5"], /A5 is an aisle in Hall 2/],
    [["B1", "b1"], /B1 is listed twice/],
    [Array.from({ length: 11 }, (_, i) => `C${i + 1}`), /at most 10 seats/],
    [[], /at least one seat/],
  ])("answers 400 for seats %j and writes nothing", async (seats, message) => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    const { status, body } = await sell(seller, { name: "Ada", seats, movieId: 53, sessionId: 832 });
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
    expect(await redis.exists(keys.stream)).toBe(0);
  });

  it("lets exactly one of 50 concurrent multi-seat sales overlapping on one seat win, with no partial sale", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    // Each buyer wants C3 and a seat of their own, so any partial write would leave a stray seat behind.
    const own = [
      ...["A", "B"].flatMap((row) => [1, 2, 3, 4, 6, 7, 8, 9, 10].map((n) => `${row}${n}`)),
      ...[1, 2, 4, 6, 7, 8, 9, 10].map((n) => `C${n}`),
    ];
    const results = await Promise.all(
      own
        .slice(0, 25)
        .flatMap((seat, i) => [
          sell(seller, { name: `Buyer ${i}a`, seats: [seat, "C3"], movieId: 53, sessionId: 832 }),
          sell(seller, { name: `Buyer ${i}b`, seats: ["C3", seat], movieId: 53, sessionId: 832 }),
        ]),
    );
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    expect(await redis.xlen(keys.stream)).toBe(2);
    expect(Object.values(await redis.hgetall(keys.seats("53", "832"))).sort()).toEqual([...won[0]!.body.ids!].sort());
  });

  it("stops selling SALES_CLOSE_MINUTES after the start, with 409 saying the showing has started", async () => {
    const { redis, keys, supervisor, seller } = await desk({ config: loadConfig({ SALES_CLOSE_MINUTES: "15" }) });
    await movies.PUT(
      request("/api/program/movies/53", { method: "PUT", body: { title: "Dune" }, cookie: supervisor }),
      at({ movieId: "53" }),
    );
    await halls.PUT(request("/api/program/halls/2", { method: "PUT", body: HALL_2, cookie: supervisor }), at({ hallId: "2" }));
    await changeProgram(redis, keys, "sue", {
      kind: "showing.put",
      showing: { sessionId: "832", movieId: "53", hallId: "2", startsAt: inMinutes(-14) },
    });
    await changeProgram(redis, keys, "sue", {
      kind: "showing.put",
      showing: { sessionId: "831", movieId: "53", hallId: "2", startsAt: inMinutes(-16) },
    });
    expect((await sell(seller, { name: "Late", seat: "B1", movieId: 53, sessionId: 832 })).status).toBe(201);
    const closed = await sell(seller, { name: "Too late", seat: "B1", movieId: 53, sessionId: 831 });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatch(/Sales for Dune · \d\d:\d\d · Hall 2 closed at \d\d:\d\d: the showing has started/);
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it("sells showings that are not in the programme on the default SEAT_ROWS × SEATS_PER_ROW plan", async () => {
    const { supervisor, seller } = await desk({ config: loadConfig({ SEAT_ROWS: "2", SEATS_PER_ROW: "3" }) });
    await duneTonight(supervisor);
    expect((await sell(seller, { name: "Ada", seats: ["B3"], movieId: 7, sessionId: 9 })).status).toBe(201);
    const outside = await sell(seller, { name: "Ada", seats: ["C1"], movieId: 7, sessionId: 9 });
    expect([outside.status, outside.body.error]).toEqual([400, expect.stringMatching(/C1 is not a seat in the seat map/)]);
    // The programme's session 832 is Dune: another movie id for it is refused rather than sold on the wrong plan.
    const mismatch = await sell(seller, { name: "Ada", seats: ["B3"], movieId: 7, sessionId: 832 });
    expect([mismatch.status, mismatch.body.error]).toEqual([400, expect.stringMatching(/Session 832 is a showing of Dune \(movie 53\)/)]);
    const plan = await seatMap.GET(request("/api/screenings/7/9", { cookie: seller }), at({ movieId: "7", sessionId: "9" }));
    expect(await plan.json()).toMatchObject({
      plan: {
        hallId: null,
        rows: [
          { row: "A", seats: 3 },
          { row: "B", seats: 3 },
        ],
      },
    });
  });

  it("checks a sale against the programme as it is when written, even when another instance changed it since this one read it", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    expect((await sell(seller, { name: "Ada", seat: "B1", movieId: 53, sessionId: 832 })).status).toBe(201);
    // Another instance turns B2 into an aisle; this one's cached programme still has it as a seat.
    await changeProgram(redis, keys, "sue", {
      kind: "hall.put",
      hall: { hallId: "2", name: "Hall 2", rows: [HALL_2.rows[0]!, { row: "B", seats: 10, aisles: [2, 5] }, HALL_2.rows[2]!] },
    });
    const { status, body } = await sell(seller, { name: "Ada", seat: "B2", movieId: 53, sessionId: 832 });
    expect([status, body.error]).toEqual([400, expect.stringMatching(/B2 is an aisle in Hall 2/)]);
    expect(await redis.xlen(keys.stream)).toBe(1);
  });
});

describe("names, not numbers", () => {
  it("exports the film, its start, the hall and the price beside the ids, and ids alone for showings outside the programme", async () => {
    const { redis, keys, supervisor, seller } = await desk();
    await duneTonight(supervisor);
    const { body } = await sell(seller, { name: "Ada", seats: ["B1", "B2"], movieId: 53, sessionId: 832 });
    await sell(seller, { name: "Bob", seat: "A1", movieId: 7, sessionId: 9 });
    const { document } = await readProgram(redis, keys);
    const startsAt = document.showings[0]!.startsAt;
    const csv = await (await exportRoute.GET(request("/api/tickets/export.csv", { cookie: seller }), none)).text();
    const lines = csv
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(lines[0]!.slice(-4)).toEqual(["title", "startsAt", "hall", "price"]);
    expect(lines.slice(1).map((line) => [line[0], line[3], line[4], ...line.slice(-4)])).toEqual([
      [expect.any(String), "Bob", "A1", "", "", "", ""],
      [body.ids![1], "Ada", "B2", "Dune", startsAt, "Hall 2", "12.50"],
      [body.ids![0], "Ada", "B1", "Dune", startsAt, "Hall 2", "12.50"],
    ]);
  });
});
