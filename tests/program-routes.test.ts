import { describe, expect, it } from "vitest";
import * as halls from "@/app/api/program/halls/[hallId]/route";
import * as movies from "@/app/api/program/movies/[movieId]/route";
import * as showings from "@/app/api/program/showings/[sessionId]/route";
import { readProgram } from "@/lib/program";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

describe("programme routes", () => {
  it("a showing naming a film or hall that is not there is a 400 naming that field, and nothing changes", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "sam", "supervisor");
    const put = (body: unknown) => request("/", { method: "PUT", body, cookie });
    expect((await movies.PUT(put({ title: "Dune", runtimeMinutes: 155 }), { params: Promise.resolve({ movieId: "53" }) })).status).toBe(201);
    expect((await halls.PUT(put({ name: "Hall 2", rows: [{ row: "A", seats: 10 }] }), { params: Promise.resolve({ hallId: "2" }) })).status).toBe(201);
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
});
