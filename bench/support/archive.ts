import { copyFileSync, existsSync, readFileSync, statSync } from "node:fs";

/** `2026-11-29T05:49:32.290Z` → `2026-11-29T05-49-32Z`: sortable, and a valid file name everywhere. */
export const stampOf = (iso: string) => `${iso.slice(0, 19).replace(/:/g, "-")}Z`;

/**
 * Copies `latest.json` in `dir` to `<the date of its run>.json` beside it, so that a new run never replaces
 * the figures before it. Returns the copy's name, or null when there was no previous run.
 */
export function archiveLatest(dir: URL): string | null {
  const latest = new URL("latest.json", dir);
  if (!existsSync(latest)) return null;
  let date: string | undefined;
  try {
    date = (JSON.parse(readFileSync(latest, "utf8")) as { machine?: { date?: string } }).machine?.date;
  } catch {
    // Unreadable figures are still figures: kept under the file's own date.
  }
  const name = `${stampOf(date ?? statSync(latest).mtime.toISOString())}.json`;
  // Already kept (the same run archived twice): the copy is identical.
  if (!existsSync(new URL(name, dir))) copyFileSync(latest, new URL(name, dir));
  return name;
}
