import { MAX_SEATS_PER_ROW, type HallRow, type ShowingSummary } from "@/lib/validations/program";
import { formatPrice } from "@/lib/validations/program-index";

/**
 * What the programme forms hold while a person types (text, as typed) and how it becomes what the API
 * takes. Pure, so the forms and their tests share it.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * "5, 16" → [5, 16]; also "5 16", "5;16" and ranges "1-3" → [1, 2, 3]. Empty text is an empty list.
 * Sorted, without repeats, as the server stores it.
 */
export function parseSeatList(text: string): Parsed<number[]> {
  const numbers = new Set<number>();
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const range = /^(\d{1,3})(?:[-–](\d{1,3}))?$/.exec(part);
    if (!range) return { ok: false, error: `“${part}” is not a seat number. Type numbers separated by commas, like 5, 16.` };
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from < 1 || to < from) return { ok: false, error: `“${part}” is not a seat number or a range from low to high, like 1-3.` };
    for (let n = from; n <= Math.min(to, MAX_SEATS_PER_ROW); n++) numbers.add(n);
  }
  return { ok: true, value: [...numbers].sort((a, b) => a - b) };
}

/** [5, 16] → "5, 16". */
export function formatSeatList(list: readonly number[] | undefined): string {
  return (list ?? []).join(", ");
}

/** "12.50", "12,5" or "12" → cents; empty text is no price. Exact: no floating point on the way. */
export function parsePrice(text: string): Parsed<number | undefined> {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: undefined };
  const match = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(trimmed);
  if (!match) return { ok: false, error: `Price must be an amount like 12.50 (or empty for no price); “${trimmed}” is not one.` };
  return { ok: true, value: Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0")) };
}

/** Cents as the price field shows them: 1250 → "12.50"; no price → "". */
export function priceInput(cents: number | undefined): string {
  return cents === undefined ? "" : formatPrice(cents);
}

/** An ISO instant as `<input type="datetime-local">` takes it, in the browser's time zone: "2026-12-03T20:30". */
export function localInput(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A datetime-local value (the browser's time zone) as the ISO instant the API takes. */
export function startsAtFromInput(value: string): Parsed<string> {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? new Date(value).getTime() : NaN;
  if (Number.isNaN(ms)) return { ok: false, error: "Pick the date and time the showing starts." };
  return { ok: true, value: new Date(ms).toISOString() };
}

/** The local calendar day of an instant: "2026-12-03". */
export function dayKey(iso: string | number): string {
  return localInput(new Date(iso).toISOString()).slice(0, 10);
}

export interface ShowingDay {
  /** "2026-12-03", the browser's calendar day. */
  day: string;
  showings: ShowingSummary[];
}

/** Showings by the local day they start, days and showings in start order. */
export function showingsByDay(showings: readonly ShowingSummary[]): ShowingDay[] {
  const sorted = [...showings].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || Number(a.sessionId) - Number(b.sessionId));
  const days: ShowingDay[] = [];
  for (const showing of sorted) {
    const day = dayKey(showing.startsAt);
    const last = days.at(-1);
    if (last?.day === day) last.showings.push(showing);
    else days.push({ day, showings: [showing] });
  }
  return days;
}

/** One row of the seat-plan editor, as typed. */
export interface RowDraft {
  row: string;
  seats: string;
  aisles: string;
  wheelchair: string;
}

export function rowDraft(row: HallRow): RowDraft {
  return { row: row.row, seats: String(row.seats), aisles: formatSeatList(row.aisles), wheelchair: formatSeatList(row.wheelchair) };
}

/** The letter after `letter`: A → B, Z → AA, AZ → BA. */
export function nextRowLetter(letter: string): string {
  const clean = letter.trim().toUpperCase();
  if (!/^[A-Z]{1,2}$/.test(clean)) return "A";
  if (clean === "ZZ") return "ZZ";
  const value = [...clean].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0) + 1;
  const high = Math.floor((value - 1) / 26);
  const low = String.fromCharCode(65 + ((value - 1) % 26));
  return high === 0 ? low : String.fromCharCode(64 + high) + low;
}

/** The row a person adds next: the following letter, with the last row's seats and aisles (halls are mostly regular). */
export function nextRow(rows: readonly RowDraft[]): RowDraft {
  const last = rows.at(-1);
  return last
    ? { row: nextRowLetter(last.row), seats: last.seats, aisles: last.aisles, wheelchair: "" }
    : { row: "A", seats: "12", aisles: "", wheelchair: "" };
}

function seatCount(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,3}$/.test(trimmed) && Number(trimmed) >= 1 && Number(trimmed) <= MAX_SEATS_PER_ROW ? Number(trimmed) : null;
}

/**
 * The plan as far as it can be drawn while it is typed: rows without a usable seat count are left out,
 * list entries that do not parse or lie beyond the row are ignored, a wheelchair place on an aisle stays an aisle.
 */
export function previewRows(rows: readonly RowDraft[]): HallRow[] {
  return rows.flatMap((draft, i) => {
    const seats = seatCount(draft.seats);
    if (seats === null) return [];
    const within = (text: string) => {
      const parsed = parseSeatList(text);
      return parsed.ok ? parsed.value.filter((n) => n <= seats) : [];
    };
    const aisles = within(draft.aisles);
    const wheelchair = within(draft.wheelchair).filter((n) => !aisles.includes(n));
    return [
      {
        row: draft.row.trim().toUpperCase() || `#${i + 1}`,
        seats,
        ...(aisles.length ? { aisles } : {}),
        ...(wheelchair.length ? { wheelchair } : {}),
      },
    ];
  });
}

/** Where a problem in the plan is: the row (from 0) and which of its inputs. */
export interface RowProblem {
  index: number;
  field: keyof RowDraft;
  message: string;
}

/**
 * The rows as the API takes them, or the first thing the person must fix. Only what text cannot say is
 * checked here (a number, a list); the server checks the plan's rules and names the row it refuses.
 */
export function parseRows(rows: readonly RowDraft[]): { ok: true; value: HallRow[] } | { ok: false; problem: RowProblem } {
  const result: HallRow[] = [];
  for (const [index, draft] of rows.entries()) {
    const name = draft.row.trim().toUpperCase() || `${index + 1}`;
    const seats = draft.seats.trim();
    if (!/^\d{1,3}$/.test(seats))
      return { ok: false, problem: { index, field: "seats", message: `Row ${name}: seats must be a whole number, like 14.` } };
    const aisles = parseSeatList(draft.aisles);
    if (!aisles.ok) return { ok: false, problem: { index, field: "aisles", message: `Row ${name}, aisles: ${aisles.error}` } };
    const wheelchair = parseSeatList(draft.wheelchair);
    if (!wheelchair.ok)
      return { ok: false, problem: { index, field: "wheelchair", message: `Row ${name}, wheelchair places: ${wheelchair.error}` } };
    result.push({
      row: draft.row.trim().toUpperCase(),
      seats: Number(seats),
      ...(aisles.value.length ? { aisles: aisles.value } : {}),
      ...(wheelchair.value.length ? { wheelchair: wheelchair.value } : {}),
    });
  }
  return { ok: true, value: result };
}

/** A server field such as `rows[2].aisles[0]` as the editor's row and input; null for anything else. */
export function rowProblemField(field: string | undefined): Omit<RowProblem, "message"> | null {
  const match = /^rows\[(\d+)\](?:\.(row|seats|aisles|wheelchair))?/.exec(field ?? "");
  if (!match) return null;
  return { index: Number(match[1]), field: (match[2] as keyof RowDraft | undefined) ?? "row" };
}
