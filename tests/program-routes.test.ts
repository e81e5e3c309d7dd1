import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as halls from "@/app/api/program/halls/[hallId]/route";
import * as importRoute from "@/app/api/program/import/route";
import * as movies from "@/app/api/program/movies/[movieId]/route";
import * as showings from "@/app/api/program/showings/[sessionId]/route";
import { changeProgram, readProgram } from "@/lib/program";
import { sellTickets } from "@/lib/tickets";
import { hallCapacity, parseProgramDocument, programProblems, type ProgramDocument } from "@/lib/validations/program";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

describe("programme routes", () => {
  it("a showing naming a film or hall that is not there is a 400 naming that field, and nothing changes", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "sam", "supervisor");
    const put = (body: unknown) => request("/", { method: "PUT", body, cookie });
    expect((await movies.PUT(put({ title: "Dune", runtimeMinutes: 155 }), { params: Promise.resolve({ movieId: "53" }) })).status).toBe(
      201,
    );
    expect(
      (await halls.PUT(put({ name: "Hall 2", rows: [{ row: "A", seats: 10 }] }), { params: Promise.resolve({ hallId: "2" }) })).status,
    ).toBe(201);
    const before = await readProgram(redis, keys);

    const at = { params: Promise.resolve({ sessionId: "832" }) };
    const noHall = await showings.PUT(put({ movieId: "53", hallId: "9", startsAt: "2026-12-03T20:30:00Z" }), at);
    expect(noHall.status).toBe(400);
    expect(await noHall.json()).toEqual({ error: 'There is no hall "9"; add it first.', field: "hallId" });
    const noFilm = await showings.PUT(put({ movieId: "54", hallId: "2", startsAt: "2026-12-03T20:30:00Z" }), at);
    expect(noFilm.status).toBe(400);
    expect(await noFilm.json()).toEqual({ error: "There is no film with movie id 54; add it first.", field: "movieId" });

    expect(await readProgram(redis, keys)).toEqual(before);
  });

  it("an import that overlaps a stored showing names the showing it sent, at its path in the file", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "sam", "supervisor");
    const none = { params: Promise.resolve({}) };
    const post = (body: unknown) => importRoute.POST(request("/", { body, cookie }), none);
    const stored = {
      movies: [{ movieId: "61", title: "Paddington in Peru", runtimeMinutes: 106 }],
      halls: [{ hallId: "1", name: "Hall 1", rows: [{ row: "A", seats: 10 }] }],
      showings: [{ sessionId: "901", movieId: "61", hallId: "1", startsAt: "2026-12-03T14:00:00Z" }],
    };
    expect((await post(stored)).status).toBe(200);
    const before = await readProgram(redis, keys);

    const refused = await post({
      movies: [{ movieId: "81", title: "Perfectly Fine" }],
      showings: [
        { sessionId: "995", movieId: "99", hallId: "1", startsAt: "2026-12-04T09:00:00Z" },
        { sessionId: "996", movieId: "81", hallId: "1", startsAt: "2026-12-03T14:30:00Z" },
      ],
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { problems: unknown }).problems).toEqual([
      { path: "showings[0].movieId", message: "There is no film with movie id 99; add it first." },
      {
        path: "showings[1].startsAt",
        message: "Session 996 overlaps session 901 in Hall 1 (Paddington in Peru, 14:00–15:46 UTC). Pick another time or hall.",
      },
    ]);
    expect(await readProgram(redis, keys)).toEqual(before);
  });
});

describe("changes to a programme with sales", () => {
  it("go through when every sold seat stays in the plan, and are refused naming the seat when one would not", async () => {
    const { redis, keys } = await redisFixture();
    const rows = [
      { row: "A", seats: 6, aisles: [3] },
      { row: "B", seats: 6 },
    ];
    await changeProgram(redis, keys, "sam", {
      kind: "import",
      document: {
        movies: [{ movieId: "53", title: "Dune" }],
        halls: [{ hallId: "2", name: "Hall 2", rows }],
        showings: [{ sessionId: "832", movieId: "53", hallId: "2", startsAt: "2026-12-03T20:30:00Z", price: 1250 }],
      },
    });
    await sellTickets(redis, keys, { name: "Jim Crews", seats: ["B3", "A1"], movieId: "53", sessionId: "832" });

    await changeProgram(redis, keys, "sam", {
      kind: "showing.put",
      showing: { sessionId: "832", movieId: "53", hallId: "2", startsAt: "2026-12-03T21:00:00Z", price: 900 },
    });
    await changeProgram(redis, keys, "sam", {
      kind: "hall.put",
      hall: { hallId: "2", name: "Hall 2", rows: [...rows, { row: "C", seats: 6 }] },
    });
    const { document } = await readProgram(redis, keys);
    expect(document.showings[0]).toMatchObject({ startsAt: "2026-12-03T21:00:00Z", price: 900 });
    expect(document.halls[0]!.rows).toHaveLength(3);

    await expect(
      changeProgram(redis, keys, "sam", {
        kind: "hall.put",
        hall: { hallId: "2", name: "Hall 2", rows: [rows[0]!, { row: "B", seats: 6, aisles: [3] }] },
      }),
    ).rejects.toThrow("Seat B3 is sold for session 832, and Hall 2's plan would no longer have it.");
  });

  it("the write script lets through sold seats its list allows and refuses any other, atomically with the write", async () => {
    const { redis, keys } = await redisFixture();
    const seats = keys.seats("53", "832");
    await redis.hset(seats, "A1", "1-1", "B3", "1-2");
    const write = (spec: string) => redis.sdWriteProgram(3, keys.program, keys.audit, seats, "0", "{}", "1", spec, "actor", "sam");
    expect(await write("=A1,A2")).toEqual([2, 1, "B3"]);
    expect(await write("*")).toEqual([2, 1, ""]);
    expect(await redis.hget(keys.program, "version")).toBeNull();
    expect(await write("=A1,A2,B3")).toEqual([1, "1"]);
  });
});

describe("programProblems", () => {
  it("finds every showing a long film runs over, not only the next one", () => {
    const document: ProgramDocument = {
      movies: [
        { movieId: "1", title: "Long", runtimeMinutes: 240 },
        { movieId: "2", title: "Short", runtimeMinutes: 30 },
      ],
      halls: [{ hallId: "1", name: "Hall 1", rows: [{ row: "A", seats: 10 }] }],
      showings: [
        { sessionId: "1", movieId: "1", hallId: "1", startsAt: "2026-12-03T10:00:00Z" },
        { sessionId: "2", movieId: "2", hallId: "1", startsAt: "2026-12-03T11:00:00Z" },
        { sessionId: "3", movieId: "2", hallId: "1", startsAt: "2026-12-03T12:00:00Z" },
        { sessionId: "4", movieId: "2", hallId: "1", startsAt: "2026-12-03T14:00:00Z" },
      ],
    };
    expect(programProblems(document).map((p) => p.path)).toEqual(["showings[1].startsAt", "showings[2].startsAt"]);
    // When only session 1 is new, it is the one named, each time.
    expect(programProblems(document, (i) => i === 0).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "showings[0].startsAt: Session 1 overlaps session 2 in Hall 1 (Short, 11:00–11:30 UTC). Pick another time or hall.",
      "showings[0].startsAt: Session 1 overlaps session 3 in Hall 1 (Short, 12:00–12:30 UTC). Pick another time or hall.",
    ]);
  });
});

describe("examples/program.json", () => {
  it("is a programme the import takes as it is: no shape problems, no overlaps", () => {
    const parsed = parseProgramDocument(JSON.parse(readFileSync(new URL("../examples/program.json", import.meta.url), "utf8")));
    if ("problems" in parsed) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
    expect(programProblems(parsed.document)).toEqual([]);
    expect(parsed.document.halls.map((h) => [h.name, hallCapacity(h)])).toEqual([
      ["Hall 1", 112],
      ["Hall 2", 60],
    ]);
  });
});
