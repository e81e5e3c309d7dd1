import { formatShowingStart, formatShowtime } from "@/lib/validations/program-index";

/**
 * The programme's times as the desk and the board print them, remembered per start. lib's formatters build
 * an Intl.DateTimeFormat per call (about a tenth of a millisecond in Chromium); at 2,000 entries a second
 * every new feed row and every board card asked again, which cost most of each frame. A programme has a few
 * hundred distinct starts, so the cache stays small; it is emptied past {@link MAX_KEPT} all the same.
 */
const MAX_KEPT = 5_000;
const times = new Map<string, string>();
const starts = new Map<string, string>();

function remembered(cache: Map<string, string>, key: string, make: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size >= MAX_KEPT) cache.clear();
    text = make();
    cache.set(key, text);
  }
  return text;
}

/** "20:30" in the machine's time zone: {@link formatShowtime}, remembered. */
export function showtime(iso: string): string {
  return remembered(times, iso, () => formatShowtime(iso));
}

/**
 * "20:30" for a showing today, "Thu 4 Dec 20:30" otherwise: {@link formatShowingStart}, remembered per start
 * and per local day of `nowMs` (its answer changes only when the day does).
 */
export function showingStart(iso: string, nowMs = Date.now()): string {
  const now = new Date(nowMs);
  return remembered(starts, `${iso}|${now.getFullYear()}-${now.getMonth()}-${now.getDate()}`, () => formatShowingStart(iso, nowMs));
}
