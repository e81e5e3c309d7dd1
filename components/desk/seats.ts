import { rowPlaces, type Hall, type SeatKind } from "@/lib/validations/program";
import { SEAT_PATTERN } from "@/lib/validations/sale";

/** Row letters of a seat map with `rows` rows: A, B, C, … */
export function rowLetters(rows: number): string[] {
  return Array.from({ length: rows }, (_, i) => String.fromCharCode(65 + i));
}

export function seatLabel(row: string, number: number): string {
  return `${row}${number}`;
}

/**
 * The seats a Seat field names: "B12, B13", "b12 b13" and "B12,B13" all read as ["B12", "B13"]. Order and
 * duplicates are kept, so the form can point at a seat typed twice instead of quietly selling one.
 */
export function parseSeats(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim().toUpperCase())
    .filter(Boolean);
}

export function formatSeats(seats: readonly string[]): string {
  return seats.join(", ");
}

const SEAT_PARTS = /^([A-Z]{1,2})(\d+)$/;

/** Plan order: row A before B before AA, then seat number; anything that is not a seat goes last, as typed. */
export function compareSeats(a: string, b: string): number {
  const pa = SEAT_PARTS.exec(a);
  const pb = SEAT_PARTS.exec(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : 0;
  return pa[1]!.length - pb[1]!.length || pa[1]!.localeCompare(pb[1]!) || Number(pa[2]) - Number(pb[2]);
}

export type Toggle = { seats: string[] } | { limit: number };

/**
 * A click on `seat`: adds it to the selection or takes it out. Selected seats that have been sold since
 * (by another desk, or by the sale that was just refused) are dropped, so the next pick starts from what
 * can still be sold. Refuses to grow past `max`.
 */
export function toggleSeat(current: readonly string[], seat: string, sold: ReadonlySet<string>, max: number): Toggle {
  const kept = [...new Set(current)].filter((s) => s === seat || !sold.has(s));
  if (kept.includes(seat)) return { seats: kept.filter((s) => s !== seat) };
  if (kept.filter((s) => SEAT_PATTERN.test(s)).length >= max) return { limit: max };
  return { seats: [...kept, seat].sort(compareSeats) };
}

/** One position of a drawn plan: `column` is its first half-column (each place spans two, so rows of any length can be centred). */
export interface PlacedSeat {
  seat: string;
  row: string;
  number: number;
  kind: SeatKind;
  column: number;
}

export interface PlanLayout {
  rows: { row: string; places: PlacedSeat[] }[];
  /** Half-columns across the widest row. */
  columns: number;
  /** Sellable places (seats and wheelchair places). */
  capacity: number;
  /** Every sellable place. */
  seats: ReadonlySet<string>;
}

/** Lays a hall's rows out centred under the screen, as the audience sees them. */
export function planLayout(plan: Pick<Hall, "rows">): PlanLayout {
  const widest = Math.max(1, ...plan.rows.map((row) => row.seats));
  const seats = new Set<string>();
  const rows = plan.rows.map((row) => {
    const offset = widest - row.seats;
    const places = rowPlaces(row).map((place, i) => ({ ...place, row: row.row, column: offset + 2 * i }));
    for (const place of places) if (place.kind !== "aisle") seats.add(place.seat);
    return { row: row.row, places };
  });
  return { rows, columns: widest * 2, capacity: seats.size, seats };
}

export type MoveKey = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End";

export function isMoveKey(key: string): key is MoveKey {
  return key === "ArrowLeft" || key === "ArrowRight" || key === "ArrowUp" || key === "ArrowDown" || key === "Home" || key === "End";
}

/**
 * Where a key moves from `seat`: left and right along the row, up and down to the place of the next row
 * nearest above or below it (rows may be offset), Home and End to the row's ends (with Ctrl: the map's).
 * Aisles are never landed on. Null at an edge.
 */
export function moveFrom(layout: PlanLayout, seat: string, key: MoveKey, ctrl = false): string | null {
  const sellable = layout.rows.map((row) => row.places.filter((place) => place.kind !== "aisle"));
  const r = sellable.findIndex((places) => places.some((place) => place.seat === seat));
  if (r === -1) return null;
  const row = sellable[r]!;
  const i = row.findIndex((place) => place.seat === seat);
  const here = row[i]!;
  switch (key) {
    case "ArrowLeft":
      return row[i - 1]?.seat ?? null;
    case "ArrowRight":
      return row[i + 1]?.seat ?? null;
    case "Home":
      return ctrl ? (sellable.find((places) => places.length > 0)?.[0]?.seat ?? null) : (row[0]?.seat ?? null);
    case "End":
      return ctrl ? (sellable.findLast((places) => places.length > 0)?.at(-1)?.seat ?? null) : (row.at(-1)?.seat ?? null);
    case "ArrowUp":
    case "ArrowDown": {
      const step = key === "ArrowUp" ? -1 : 1;
      for (let next = r + step; next >= 0 && next < sellable.length; next += step) {
        const candidates = sellable[next]!;
        if (candidates.length === 0) continue;
        let best = candidates[0]!;
        for (const place of candidates) if (Math.abs(place.column - here.column) < Math.abs(best.column - here.column)) best = place;
        return best.seat;
      }
      return null;
    }
  }
}

/** The seat that takes Tab into the map: the last one focused, else the first selected, else the first free. */
export function tabStop(
  layout: PlanLayout,
  candidates: { focused: string | null; selected: readonly string[]; sold: ReadonlySet<string> },
): string | null {
  if (candidates.focused && layout.seats.has(candidates.focused)) return candidates.focused;
  const selected = candidates.selected.find((seat) => layout.seats.has(seat));
  if (selected) return selected;
  let first: string | null = null;
  for (const row of layout.rows) {
    for (const place of row.places) {
      if (place.kind === "aisle") continue;
      first ??= place.seat;
      if (!candidates.sold.has(place.seat)) return place.seat;
    }
  }
  return first;
}
