import { compareIds } from "@/lib/stream-id";

/** The row that holds keyboard focus: its sale, and the React key its element was rendered under. */
export interface PinnedRow {
  id: string;
  key: string;
}

export interface RowSlot {
  /** Position in the feed's entries (newest first). */
  index: number;
  key: string;
}

/**
 * The rows to render, in order, and their React keys.
 *
 * Normally a row is keyed by its position, not by its sale: when a flood of sales shifts every entry
 * down, each row element on screen stays where it is and only its text changes, instead of every row
 * being torn down and built again (new elements cost Chromium style, layout and paint from scratch; see
 * bench/README.md, "Desk frames").
 *
 * While a row holds keyboard focus (`pinned`) that would move the focus to whatever sale comes into its
 * place, so rows are keyed by their sale instead, as a list of sales would be, and the focused row keeps
 * the key it had when it took focus. It is rendered wherever its sale goes, even off screen, so its
 * element, and the focus in it, stay. Every row before it in this order was before it in the last one,
 * so React never has to move its element (a moved element loses focus).
 */
export function rowSlots(range: readonly number[], entries: readonly { id: string }[], pinned: PinnedRow | null): RowSlot[] {
  if (!pinned) return range.map((index) => ({ index, key: String(index) }));
  const pinnedIndex = indexOfId(entries, pinned.id);
  const indexes = pinnedIndex < 0 || range.includes(pinnedIndex) ? range : [...range, pinnedIndex].sort((a, b) => a - b);
  return indexes.map((index) => ({ index, key: index === pinnedIndex ? pinned.key : entries[index]!.id }));
}

/** Where the entry with `id` is in `entries` (sorted newest first, as the feed holds them), or -1. */
export function indexOfId(entries: readonly { id: string }[], id: string): number {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareIds(entries[middle]!.id, id);
    if (order === 0) return middle;
    // Newest first: a larger id is nearer the start.
    if (order > 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
