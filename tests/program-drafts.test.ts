import { describe, expect, it } from "vitest";
import {
  dayKey,
  localInput,
  nextRow,
  nextRowLetter,
  parsePrice,
  parseRows,
  parseSeatList,
  previewRows,
  priceInput,
  rowProblemField,
  showingsByDay,
  startsAtFromInput,
} from "@/components/program/drafts";
import { hallSchema, type ShowingSummary } from "@/lib/validations/program";

describe("seat lists as supervisors type them", () => {
  it("reads commas, spaces, semicolons and ranges, sorted without repeats", () => {
    expect(parseSeatList("5, 16")).toEqual({ ok: true, value: [5, 16] });
    expect(parseSeatList(" 16 5;5 ")).toEqual({ ok: true, value: [5, 16] });
    expect(parseSeatList("1-3, 10")).toEqual({ ok: true, value: [1, 2, 3, 10] });
    expect(parseSeatList("")).toEqual({ ok: true, value: [] });
  });

  it("names the piece it cannot read", () => {
    const words = parseSeatList("5, x");
    expect(words.ok).toBe(false);
    if (!words.ok) expect(words.error).toContain("“x”");
    expect(parseSeatList("0").ok).toBe(false);
    expect(parseSeatList("9-3").ok).toBe(false);
    expect(parseSeatList("2.5").ok).toBe(false);
  });
});

describe("prices in currency units", () => {
  it("becomes exact cents", () => {
    expect(parsePrice("12.50")).toEqual({ ok: true, value: 1250 });
    expect(parsePrice("12,5")).toEqual({ ok: true, value: 1250 });
    expect(parsePrice("9")).toEqual({ ok: true, value: 900 });
    expect(parsePrice("0.07")).toEqual({ ok: true, value: 7 });
    // 19.99 * 100 is 1998.9999999999998 in floating point.
    expect(parsePrice("19.99")).toEqual({ ok: true, value: 1999 });
    expect(parsePrice(" ")).toEqual({ ok: true, value: undefined });
  });

  it("refuses what is not an amount", () => {
    for (const text of ["12.505", "-3", "12 EUR", "1.2.3", "abc"]) expect(parsePrice(text).ok, text).toBe(false);
  });

  it("shows cents back as typed", () => {
    expect(priceInput(1250)).toBe("12.50");
    expect(priceInput(undefined)).toBe("");
  });
});

describe("start times between datetime-local and ISO", () => {
  it("round-trips in the machine's time zone", () => {
    const local = new Date(2026, 11, 3, 20, 30);
    expect(localInput(local.toISOString())).toBe("2026-12-03T20:30");
    const parsed = startsAtFromInput("2026-12-03T20:30");
    expect(parsed).toEqual({ ok: true, value: local.toISOString() });
    expect(dayKey(local.toISOString())).toBe("2026-12-03");
  });

  it("asks for a start when there is none", () => {
    expect(startsAtFromInput("").ok).toBe(false);
    expect(startsAtFromInput("tomorrow").ok).toBe(false);
  });

  it("groups showings by local day, in start order", () => {
    const at = (day: number, hour: number) => new Date(2026, 11, day, hour).toISOString();
    const showing = (sessionId: string, startsAt: string): ShowingSummary => ({
      sessionId,
      movieId: "1",
      hallId: "1",
      startsAt,
      capacity: 10,
      sold: 0,
    });
    const days = showingsByDay([showing("3", at(4, 14)), showing("1", at(3, 20)), showing("2", at(3, 11)), showing("4", at(4, 14))]);
    expect(days.map((d) => [d.day, d.showings.map((s) => s.sessionId)])).toEqual([
      ["2026-12-03", ["2", "1"]],
      ["2026-12-04", ["3", "4"]],
    ]);
  });
});

describe("the seat-plan editor's rows", () => {
  it("names the next row", () => {
    expect(["A", "H", "Z", "AZ", "b", ""].map(nextRowLetter)).toEqual(["B", "I", "AA", "BA", "C", "A"]);
    expect(nextRow([{ row: "C", seats: "14", aisles: "5, 10", wheelchair: "1, 2" }])).toEqual({
      row: "D",
      seats: "14",
      aisles: "5, 10",
      wheelchair: "",
    });
  });

  it("turns typed rows into rows the server's schema accepts", () => {
    const rows = parseRows([
      { row: "a", seats: "14", aisles: "10, 5", wheelchair: "1-2" },
      { row: "B", seats: " 14 ", aisles: "", wheelchair: "" },
    ]);
    expect(rows).toEqual({
      ok: true,
      value: [
        { row: "A", seats: 14, aisles: [5, 10], wheelchair: [1, 2] },
        { row: "B", seats: 14 },
      ],
    });
    if (rows.ok) expect(hallSchema.safeParse({ name: "Hall 1", rows: rows.value }).success).toBe(true);
  });

  it("points at the input to fix", () => {
    expect(parseRows([{ row: "A", seats: "ten", aisles: "", wheelchair: "" }])).toMatchObject({
      ok: false,
      problem: { index: 0, field: "seats" },
    });
    expect(
      parseRows([
        { row: "A", seats: "10", aisles: "", wheelchair: "" },
        { row: "B", seats: "10", aisles: "5,", wheelchair: "one" },
      ]),
    ).toMatchObject({
      ok: false,
      problem: { index: 1, field: "wheelchair" },
    });
    expect(rowProblemField("rows[2].aisles[0]")).toEqual({ index: 2, field: "aisles" });
    expect(rowProblemField("rows[1]")).toEqual({ index: 1, field: "row" });
    expect(rowProblemField("name")).toBeNull();
  });

  it("draws what can be drawn while typing", () => {
    expect(
      previewRows([
        { row: "A", seats: "6", aisles: "3, 9", wheelchair: "1, 3" },
        { row: "B", seats: "", aisles: "", wheelchair: "" },
        { row: "C", seats: "5", aisles: "2, x", wheelchair: "" },
        { row: "", seats: "4", aisles: "2", wheelchair: "" },
      ]),
    ).toEqual([
      // 9 is beyond the row; 3 is an aisle, so it cannot also be a wheelchair place.
      { row: "A", seats: 6, aisles: [3], wheelchair: [1] },
      // A list with a piece that does not read yet is left out until it does.
      { row: "C", seats: 5 },
      { row: "#4", seats: 4, aisles: [2] },
    ]);
  });
});
