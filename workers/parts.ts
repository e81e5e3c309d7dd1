import { hostname } from "node:os";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** A part file older than this cannot be a write in progress: a ticket takes milliseconds to write. */
const STALE_MS = 60_000;
const HOST = hostname().replace(/[^\w.-]/g, "_");

/**
 * The temporary name a file is written under before it is renamed into place. Host and pid name the
 * writer, so a later sweep can tell a dead worker's leftover from a live one's write, even when several
 * machines share the directory.
 */
export function partPath(path: string, pid = process.pid): string {
  return `${path}.${HOST}-${pid}.part`;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the part files a worker killed mid-write left in `dir`: those older than a minute, and those of
 * a process on this host that is no longer running. Another host's recent part may be a write in
 * progress and is left alone. Returns the names removed.
 */
export async function sweepParts(dir: string, now = Date.now()): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith(".part"));
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/-(\d+)\.part$/.exec(name)?.[1] ?? NaN);
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    const dead = name.endsWith(`.${HOST}-${pid}.part`) && pid !== process.pid && !running(pid);
    if (now - info.mtimeMs < STALE_MS && !dead) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
