import { expect, type Locator, type Page } from "@playwright/test";
import { Redis } from "ioredis";
import type { RedisCli } from "../fixtures";
import { xaddMany } from "./insight";

/** The consumer group of the Redis Streams tutorial StreamDesk grew from. */
export const GROUP = "ticketgroup";

/** A CSS attribute value in double quotes; JSON's escaping of `"` and `\` is also CSS's. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Opens `path` and waits until the live link is up (which also means the page is hydrated). */
export async function openLive(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
}

/** Counts the page's full navigations from now on: a live update must not need one. */
export function countNavigations(page: Page): () => number {
  let count = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) count++;
  });
  return () => count;
}

/** One group's card on `/groups`. */
export function groupCard(page: Page, name: string): Locator {
  return page.locator(`[data-testid="group"][data-group=${quoted(name)}]`);
}

/** One consumer in the list on `/groups/<name>`. */
export function consumerRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="consumer"][data-consumer=${quoted(name)}]`);
}

export function pendingEntries(page: Page): Locator {
  return page.getByTestId("pending-entry");
}

/** One row of the pending list on `/groups/<name>`. */
export function pendingEntry(page: Page, id: string): Locator {
  return page.locator(`[data-testid="pending-entry"][data-entry-id=${quoted(id)}]`);
}

/** The ids of the pending list's rows, top to bottom. */
export function pendingIds(page: Page): Promise<string[]> {
  return pendingEntries(page).evaluateAll((rows) => rows.map((row) => row.getAttribute("data-entry-id") ?? ""));
}

/** The tutorial's two "Add More Messages" lines, typed into redis-cli against `stream`; resolves with the printed ids. */
export async function addTutorialMessages(redisCli: RedisCli, stream: string): Promise<string[]> {
  return redisCli.typed(
    `XADD ${stream} * name "Alma Wheatley" seat "B10" movieId 53 sessionId 832`,
    `XADD ${stream} * name "Vasily Borgov" seat "B14" movieId 53 sessionId 832`,
  );
}

/**
 * The tutorial's consumer-group section against `stream`: XGROUP CREATE … $ MKSTREAM, the two XADDs, then
 * XREADGROUP as consumer-1 (without BLOCK: the entries are already there). Resolves with the two ids.
 */
export async function runTutorialGroupCommands(redisCli: RedisCli, stream: string): Promise<string[]> {
  expect(await redisCli("XGROUP", "CREATE", stream, GROUP, "$", "MKSTREAM")).toBe("OK");
  const ids = await addTutorialMessages(redisCli, stream);
  await redisCli("XREADGROUP", "GROUP", GROUP, "consumer-1", "STREAMS", stream, ">");
  return ids;
}

export interface PendingSummary {
  count: number;
  /** Consumer name → how many pending messages it owns. */
  consumers: Record<string, number>;
}

/** `redis-cli XPENDING <stream> <group>`: the summary form. */
export async function xpendingSummary(redisCli: RedisCli, stream: string, group: string): Promise<PendingSummary> {
  const [count, , , consumers] = JSON.parse(await redisCli("--json", "XPENDING", stream, group)) as [
    number,
    unknown,
    unknown,
    [string, string][] | null,
  ];
  return { count, consumers: Object.fromEntries((consumers ?? []).map(([name, owned]) => [name, Number(owned)])) };
}

export interface PendingRow {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** `redis-cli XPENDING <stream> <group> - + <count>`: the extended form, one row per message. */
export async function xpendingRows(redisCli: RedisCli, stream: string, group: string, count = 10): Promise<PendingRow[]> {
  const rows = JSON.parse(await redisCli("--json", "XPENDING", stream, group, "-", "+", String(count))) as [
    string,
    string,
    number,
    number,
  ][];
  return rows.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs, deliveries }));
}

/** The group names `redis-cli XINFO GROUPS <stream>` lists. */
export async function groupNames(redisCli: RedisCli, stream: string): Promise<string[]> {
  const groups = JSON.parse(await redisCli("--json", "XINFO", "GROUPS", stream)) as { name: string }[];
  return groups.map((group) => group.name);
}

/**
 * `count` plain ticket entries appended with pipelined XADDs and delivered to `consumer` of a new `group`
 * with one XREADGROUP, as a busy printing group that fell behind would have them. Resolves with the ids.
 */
export async function pendingMany(redisPort: number, stream: string, group: string, consumer: string, count: number): Promise<string[]> {
  const redis = new Redis({ port: redisPort, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    await redis.xgroup("CREATE", stream, group, "$", "MKSTREAM");
    const ids = await xaddMany(redisPort, stream, count, (i) => [
      "name",
      `Guest ${i + 1}`,
      "seat",
      `C${(i % 20) + 1}`,
      "movieId",
      "53",
      "sessionId",
      "832",
    ]);
    await redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "STREAMS", stream, ">");
    return ids;
  } finally {
    redis.disconnect();
  }
}
