import { describe, expect, it } from "vitest";
import { indexOfId, rowSlots } from "@/components/feed/feed-rows";

// Newest first, as the feed holds them: index 0 is the newest sale.
const entries = Array.from({ length: 40 }, (_, i) => ({ id: `${1000 - i}-0` }));
const range = [0, 1, 2, 3, 4];

describe("rowSlots", () => {
  it("keys rows by their position while nothing in the feed has focus, so a flood reuses every row", () => {
    expect(rowSlots(range, entries, null)).toEqual(range.map((index) => ({ index, key: String(index) })));
  });

  it("keys rows by their sale while one has focus, the focused one keeping the key it had", () => {
    const pinned = { id: entries[3]!.id, key: "2" };
    expect(rowSlots(range, entries, pinned)).toEqual([
      { index: 0, key: "1000-0" },
      { index: 1, key: "999-0" },
      { index: 2, key: "998-0" },
      { index: 3, key: "2" },
      { index: 4, key: "996-0" },
    ]);
  });

  it("renders the focused sale where it went, after every row above it, even far below the screen", () => {
    const slots = rowSlots(range, entries, { id: entries[30]!.id, key: "4" });
    expect(slots.map((slot) => slot.index)).toEqual([0, 1, 2, 3, 4, 30]);
    expect(slots.at(-1)).toEqual({ index: 30, key: "4" });
    // Scrolled down past it, it comes first.
    expect(rowSlots([20, 21], entries, { id: entries[5]!.id, key: "5" }).map((slot) => slot.index)).toEqual([5, 20, 21]);
  });

  it("drops the pin once the sale has left the feed (the 10,000 cap)", () => {
    expect(rowSlots(range, entries, { id: "1-0", key: "3" }).map((slot) => slot.key)).toEqual(entries.slice(0, 5).map((e) => e.id));
  });
});

describe("indexOfId", () => {
  it("finds any entry of a newest-first list, and -1 for one it does not hold", () => {
    entries.forEach((entry, i) => expect(indexOfId(entries, entry.id)).toBe(i));
    expect(indexOfId(entries, "2000-0")).toBe(-1);
    expect(indexOfId(entries, "980-5")).toBe(-1);
    expect(indexOfId([], "1-0")).toBe(-1);
  });
});
