import { describe, expect, it } from "vitest";
import { compareSeats, moveFrom, parseSeats, planLayout, tabStop, toggleSeat } from "@/components/desk/seats";
import { dayLabel, matchShowings, sellableShowings } from "@/components/desk/showings";
import type { ProgramView } from "@/lib/validations/program";
import { indexProgram } from "@/lib/validations/program-index";

// Row A is two places shorter than B and C, so it sits one place in on each side; B has aisles at 4 and 13.
const HALL = {
  rows: [
    { row: "A", seats: 14, aisles: [4, 11], wheelchair: [1, 2] },
    { row: "B", seats: 16, aisles: [4, 13] },
    { row: "C", seats: 16 },
  ],
};

describe("parseSeats", () => {
  it("reads commas, spaces and lower case alike, keeping order and duplicates", () => {
    expect(parseSeats("B12, B13")).toEqual(["B12", "B13"]);
    expect(parseSeats(" b12  b13,b14 ;B12 ")).toEqual(["B12", "B13", "B14", "B12"]);
    expect(parseSeats("  ")).toEqual([]);
  });

  it("sorts seats as the plan reads: row, then number, two-letter rows after Z", () => {
    expect(["B10", "AA1", "B9", "A20", "Z1", "x?"].sort(compareSeats)).toEqual(["A20", "B9", "B10", "Z1", "AA1", "x?"]);
  });
});

describe("toggleSeat", () => {
  const none = new Set<string>();

  it("adds a seat in plan order and takes a selected one out", () => {
    expect(toggleSeat(["B13"], "B12", none, 10)).toEqual({ seats: ["B12", "B13"] });
    expect(toggleSeat(["B12", "B13"], "B12", none, 10)).toEqual({ seats: ["B13"] });
  });

  it("refuses to grow past the limit, but still lets a seat go", () => {
    expect(toggleSeat(["A1", "A2"], "A3", none, 2)).toEqual({ limit: 2 });
    expect(toggleSeat(["A1", "A2"], "A2", none, 2)).toEqual({ seats: ["A1"] });
  });

  it("drops selected seats that were sold meanwhile, so the refused seat does not stay picked", () => {
    expect(toggleSeat(["B12"], "B14", new Set(["B12"]), 10)).toEqual({ seats: ["B14"] });
    expect(toggleSeat(["A1", "A2"], "A3", new Set(["A1"]), 2)).toEqual({ seats: ["A2", "A3"] });
  });
});

describe("planLayout and moveFrom", () => {
  const layout = planLayout(HALL);

  it("centres shorter rows and counts only seats and wheelchair places", () => {
    expect(layout.columns).toBe(32);
    expect(layout.rows[0]!.places[0]).toMatchObject({ seat: "A1", kind: "wheelchair", column: 2 });
    expect(layout.rows[1]!.places[0]).toMatchObject({ seat: "B1", kind: "seat", column: 0 });
    expect(layout.capacity).toBe(12 + 14 + 16);
    expect(layout.seats.has("B4")).toBe(false);
    expect(layout.seats.has("A1")).toBe(true);
  });

  it("moves along a row past the aisles and stops at its ends", () => {
    expect(moveFrom(layout, "B3", "ArrowRight")).toBe("B5");
    expect(moveFrom(layout, "B5", "ArrowLeft")).toBe("B3");
    expect(moveFrom(layout, "B16", "ArrowRight")).toBeNull();
    expect(moveFrom(layout, "B1", "ArrowLeft")).toBeNull();
    expect(moveFrom(layout, "B7", "Home")).toBe("B1");
    expect(moveFrom(layout, "B7", "End")).toBe("B16");
    expect(moveFrom(layout, "B7", "End", true)).toBe("C16");
    expect(moveFrom(layout, "B7", "Home", true)).toBe("A1");
  });

  it("moves up and down to the nearest place of the next row, never onto an aisle", () => {
    // A1 sits above B2 (row A is set in by one place).
    expect(moveFrom(layout, "A1", "ArrowDown")).toBe("B2");
    expect(moveFrom(layout, "B2", "ArrowUp")).toBe("A1");
    // Above C4 is the aisle B4: the nearest place is B3 (ties go left).
    expect(moveFrom(layout, "C4", "ArrowUp")).toBe("B3");
    expect(moveFrom(layout, "A5", "ArrowUp")).toBeNull();
    expect(moveFrom(layout, "C1", "ArrowDown")).toBeNull();
    expect(moveFrom(layout, "B4", "ArrowDown")).toBeNull();
  });

  it("puts the tab stop on the last focused seat, else the first selected, else the first free", () => {
    const sold = new Set(["A1", "A2"]);
    expect(tabStop(layout, { focused: null, selected: [], sold })).toBe("A3");
    expect(tabStop(layout, { focused: null, selected: ["ZZ9", "C3"], sold })).toBe("C3");
    expect(tabStop(layout, { focused: "B5", selected: ["C3"], sold })).toBe("B5");
    expect(tabStop(layout, { focused: "B4", selected: [], sold: new Set() })).toBe("A1");
  });
});

describe("the showings the desk sells", () => {
  const now = new Date(2026, 11, 2, 19, 0).getTime();
  const at = (day: number, hour: number, minute = 0) => new Date(2026, 11, day, hour, minute).toISOString();
  const view: ProgramView = {
    movies: [
      { movieId: "1", title: "Dune: Part Two" },
      { movieId: "2", title: "Paddington in Peru" },
    ],
    halls: [
      { hallId: "1", name: "Hall 1", rows: [{ row: "A", seats: 10 }] },
      { hallId: "2", name: "Hall 2", rows: [{ row: "A", seats: 10 }] },
    ],
    showings: [
      { sessionId: "30", movieId: "1", hallId: "2", startsAt: at(3, 20, 30), capacity: 10, sold: 0 },
      { sessionId: "10", movieId: "2", hallId: "1", startsAt: at(2, 18, 50), capacity: 10, sold: 10 },
      { sessionId: "20", movieId: "1", hallId: "2", startsAt: at(2, 20, 30), capacity: 10, sold: 3 },
      // Started 16 minutes ago: sales closed a minute ago.
      { sessionId: "5", movieId: "2", hallId: "2", startsAt: at(2, 18, 44), capacity: 10, sold: 0 },
      { sessionId: "40", movieId: "2", hallId: "1", startsAt: at(9, 11, 0), capacity: 10, sold: 0 },
    ],
  };
  const options = sellableShowings(view, indexProgram(view), now, 15);

  it("lists the showings still selling, soonest first, with the day when it is not today", () => {
    expect(options.map((o) => [o.sessionId, o.left])).toEqual([
      ["10", 0],
      ["20", 7],
      ["30", 10],
      ["40", 10],
    ]);
    expect(options[1]!.name).toMatch(/^Dune: Part Two · 20:30 · Hall 2$/);
    expect(options[2]!.name).toMatch(/^Dune: Part Two · 20:30 · Hall 2 · tomorrow$/);
    expect(options[3]!.name).toBe(`Paddington in Peru · 11:00 · Hall 1 · ${dayLabel(at(9, 11), now)}`);
    expect(dayLabel(at(9, 11), now)).toBe("Wed 9 Dec");
  });

  it("filters by any part of the name, ignoring case, or by each word", () => {
    expect(matchShowings(options, "DUN").map((o) => o.sessionId)).toEqual(["20", "30"]);
    expect(matchShowings(options, "hall 1").map((o) => o.sessionId)).toEqual(["10", "40"]);
    expect(matchShowings(options, "18:50").map((o) => o.sessionId)).toEqual(["10"]);
    expect(matchShowings(options, "dune tomorrow").map((o) => o.sessionId)).toEqual(["30"]);
    expect(matchShowings(options, "paddington today").map((o) => o.sessionId)).toEqual(["10"]);
    expect(matchShowings(options, "  ").length).toBe(4);
    expect(matchShowings(options, "casablanca")).toEqual([]);
  });
});
