import { describe, expect, it } from "vitest";
import { SeatTakenError, ValidationError } from "@/lib/errors";
import { parseSale, sellTicket } from "@/lib/tickets";
import { redisFixture } from "./support/context";

const valid = { name: "Jim Crews", seat: "B12", movieId: 53, sessionId: 832 };

describe("parseSale", () => {
  it("accepts the four ticket fields, trimming and normalising them", () => {
    expect(parseSale({ name: "  Jim Crews ", seat: " b12", movieId: "53", sessionId: 832 })).toEqual(valid);
    expect(parseSale({ ...valid, seat: "AA3" }).seat).toBe("AA3");
  });

  it.each([
    [{ ...valid, name: "   " }, "name", /Name is required/],
    [{ ...valid, name: "x".repeat(101) }, "name", /at most 100/],
    [{ ...valid, name: 42 }, "name", /Name/],
    [{ ...valid, seat: "12B" }, "seat", /row letter and a number/],
    [{ ...valid, seat: "B0" }, "seat", /row letter and a number/],
    [{ ...valid, seat: undefined }, "seat", /Seat is required/],
    [{ ...valid, movieId: 0 }, "movieId", /Movie must be a positive whole number/],
    [{ ...valid, movieId: -3 }, "movieId", /Movie/],
    [{ ...valid, movieId: 1.5 }, "movieId", /Movie/],
    [{ ...valid, movieId: true }, "movieId", /Movie/],
    [{ ...valid, sessionId: "83a" }, "sessionId", /Session must be a positive whole number/],
    [{ ...valid, sessionId: undefined }, "sessionId", /Session/],
  ])("refuses %j, naming the field", (body, field, message) => {
    const error = (() => {
      try {
        parseSale(body);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toMatch(message);
  });

  it.each([null, [], "Jim", 7])("refuses a body that is not an object: %j", (body) => {
    expect(() => parseSale(body)).toThrow(/JSON object/);
  });
});

describe("sellTicket", () => {
  it("appends name, seat, movieId and sessionId in order, then extras, and records the seat", async () => {
    const { redis, keys } = await redisFixture();
    const id = await sellTicket(redis, keys, valid, { soldBy: "ann" });
    const entries = await redis.xrange(keys.stream, "-", "+");
    expect(entries).toEqual([[id, ["name", "Jim Crews", "seat", "B12", "movieId", "53", "sessionId", "832", "soldBy", "ann"]]]);
    expect(await redis.hget(keys.seats("53", "832"), "B12")).toBe(id);
  });

  it("refuses a seat already sold for that screening and writes nothing", async () => {
    const { redis, keys } = await redisFixture();
    const first = await sellTicket(redis, keys, valid);
    const again = sellTicket(redis, keys, { ...valid, name: "Arthur Crews" });
    await expect(again).rejects.toBeInstanceOf(SeatTakenError);
    await expect(again).rejects.toMatchObject({ holderId: first, seat: "B12" });
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it("sells the same seat for another session", async () => {
    const { redis, keys } = await redisFixture();
    await sellTicket(redis, keys, valid);
    await sellTicket(redis, keys, { ...valid, sessionId: 833 });
    expect(await redis.xlen(keys.stream)).toBe(2);
  });

  it("lets exactly one of 50 concurrent sales of one seat win", async () => {
    const { redis, keys } = await redisFixture();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => sellTicket(redis, keys, { ...valid, name: `Buyer ${i}` })),
    );
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result) => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.every((result) => result.reason instanceof SeatTakenError)).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(1);
    expect(await redis.hget(keys.seats("53", "832"), "B12")).toBe((won[0] as PromiseFulfilledResult<string>).value);
  });
});
