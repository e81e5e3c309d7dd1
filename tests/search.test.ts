import { describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/tickets/export.csv/route";
import * as searchRoute from "@/app/api/tickets/search/route";
import { csvCell, csvStream } from "@/lib/csv";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { refundTicket } from "@/lib/refunds";
import { DEFAULT_BUDGET, parseSearchQuery, SCAN_PAGE, searchTickets, type SearchPage } from "@/lib/search";
import { compareIds } from "@/lib/stream-id";
import { sellTicket } from "@/lib/tickets";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };

/** Appends `n` entries in pipelined chunks; `fields(i)` gives each one's fields. Returns the ids, oldest first. */
async function append(redis: RedisClient, stream: string, n: number, fields: (i: number) => string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(n, start + 10_000); i++) pipeline.xadd(stream, "*", ...fields(i));
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      ids.push(id as string);
    }
  }
  return ids;
}

const guest = (i: number) => [
  "name",
  i % 3 === 0 ? `Guest ${i}` : `Visitor ${i}`,
  "seat",
  `B${(i % 20) + 1}`,
  "movieId",
  String(1 + (i % 2)),
  "sessionId",
  "5",
];

async function searchAll(redis: RedisClient, keys: StreamKeys, params: string) {
  const found: string[] = [];
  const pages: SearchPage[] = [];
  let cursor: string | null = null;
  do {
    const query = parseSearchQuery(new URLSearchParams(params + (cursor ? `&cursor=${cursor}` : "")));
    const page = await searchTickets(redis, keys, query);
    pages.push(page);
    found.push(...page.entries.map((entry) => entry.id));
    cursor = page.cursor;
  } while (cursor !== null && pages.length < 10_000);
  return { found, pages };
}

describe("searchTickets", () => {
  it("pages newest first; following the cursor gives every match once, with no gap", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await append(redis, keys.stream, 250, guest);
    const expected = ids.filter((_, i) => i % 3 === 0).reverse();
    const { found, pages } = await searchAll(redis, keys, "name=GUEST&count=40");
    expect(found).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.entries.length === 40)).toBe(true);
    expect(pages.at(-1)!.cursor).toBeNull();
    expect(pages[0]!.bounds).toEqual({ from: ids[0], to: ids.at(-1) });
  });

  it("finds one entry among 100,000, each request answering within the scan budget and saying how far it got", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const ids = await append(redis, keys.stream, 100_000, (i) =>
      i === 31_337 ? ["name", "Needle Person", "seat", "H7", "movieId", "9", "sessionId", "9"] : guest(i),
    );
    // The route with its real budget, as the Search screen calls it: page after page until the cursor is null.
    const pages: (SearchPage & { ms: number })[] = [];
    let cursor: string | null = null;
    do {
      const began = performance.now();
      const response = await searchRoute.GET(
        request(`/api/tickets/search?name=needle${cursor ? `&cursor=${cursor}` : ""}`, { cookie }),
        none,
      );
      const page = (await response.json()) as SearchPage;
      pages.push({ ...page, ms: performance.now() - began });
      cursor = page.cursor;
    } while (cursor !== null && pages.length < 1000);

    expect(pages.flatMap((page) => page.entries.map((entry) => entry.id))).toEqual([ids[31_337]]);
    expect(pages.reduce((sum, page) => sum + page.scanned, 0)).toBe(100_000);
    // The budget is checked between XREVRANGE pages, so a request may overrun it by one page's work plus its
    // own round trips: a few ms on a quiet machine, a few hundred when the test run's other files load both
    // cores. Without the budget the first request would scan all 100,000 entries, several budgets' worth.
    for (const [i, page] of pages.entries()) expect(page.ms, `request ${i + 1} of ${pages.length}`).toBeLessThan(2.5 * DEFAULT_BUDGET.ms);
    // Progress: every request that stops early scanned something and hands back an older cursor, inside the bounds.
    const cursors = pages.slice(0, -1).map((page) => page.cursor!);
    for (const page of pages) expect(page.scanned).toBeGreaterThan(0);
    expect(cursors).toEqual([...cursors].sort(compareIds).reverse());
    expect(new Set(cursors).size).toBe(cursors.length);
    for (const id of cursors) expect(compareIds(id, ids[0]!) >= 0 && compareIds(id, ids.at(-1)!) < 0, id).toBe(true);
    expect(pages.every((page) => page.bounds.from === ids[0] && page.bounds.to === ids.at(-1))).toBe(true);

    // A small entry budget stops after the page that spends it, and says where to go on.
    const limited = await searchTickets(redis, keys, parseSearchQuery(new URLSearchParams("name=needle")), { entries: 5000, ms: 60_000 });
    expect(limited).toMatchObject({ entries: [], scanned: 6000, cursor: ids[100_000 - 6000] });
  }, 90_000);

  it("filters by seat exactly and case-insensitively, by movie and session, between from and to, refunds included", async () => {
    const { redis, keys } = await redisFixture();
    const b1 = await sellTicket(redis, keys, { name: "Beth Harmon", seat: "B1", movieId: 53, sessionId: 832 });
    await sellTicket(redis, keys, { name: "Beth Harmon", seat: "B12", movieId: 53, sessionId: 832 });
    const other = await sellTicket(redis, keys, { name: "Beth Harmon", seat: "B1", movieId: 53, sessionId: 833 });
    const cli = (await redis.xadd(keys.stream, "*", "name", "Jim", "seat", "b1", "movieId", "54", "sessionId", "832"))!;
    const refund = await refundTicket(redis, keys, "sam", b1);
    const search = async (params: string) => (await searchTickets(redis, keys, parseSearchQuery(new URLSearchParams(params)))).entries;

    expect((await search("seat=b1")).map((e) => e.id)).toEqual([refund, cli, other, b1]);
    expect((await search("seat=B1&movieId=53&sessionId=832")).map((e) => e.id)).toEqual([refund, b1]);
    expect((await search("movieId=54")).map((e) => e.id)).toEqual([cli]);
    expect((await search("name=harm&sessionId=833")).map((e) => e.id)).toEqual([other]);
    expect((await search(`seat=B1&from=${other}&to=${cli}`)).map((e) => e.id)).toEqual([cli, other]);
    const ms = Number(cli.split("-")[0]);
    expect((await search(`seat=B1&from=${ms}`)).map((e) => e.id)).toEqual(expect.arrayContaining([refund, cli]));
    // The refunded sale says so; the refund entry carries what it refunded.
    const [refundEntry, , , sale] = await search("seat=b1");
    expect(refundEntry).toMatchObject({ fields: { type: "refund", refundOf: b1, refundedBy: "sam" } });
    expect(sale).toMatchObject({ id: b1, refunded: true });
  });

  it("hands back no cursor from the request that reaches the first entry, even when the stream is a whole number of scan pages", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await append(redis, keys.stream, 2 * SCAN_PAGE, guest);
    const budget = { entries: SCAN_PAGE, ms: 60_000 };
    const query = (cursor?: string) => parseSearchQuery(new URLSearchParams(`name=nobody${cursor ? `&cursor=${cursor}` : ""}`));
    const first = await searchTickets(redis, keys, query(), budget);
    expect(first).toMatchObject({ entries: [], scanned: SCAN_PAGE, cursor: ids[SCAN_PAGE] });
    // The second request reads the oldest page and says the search is over: no third request that reads nothing.
    const second = await searchTickets(redis, keys, query(first.cursor!), budget);
    expect(second).toMatchObject({ entries: [], scanned: SCAN_PAGE, cursor: null });
  });

  it("answers an empty page for an empty stream", async () => {
    const { redis, keys } = await redisFixture();
    expect(await searchTickets(redis, keys, parseSearchQuery(new URLSearchParams("")))).toEqual({
      entries: [],
      cursor: null,
      scanned: 0,
      bounds: { from: "0-0", to: "0-0" },
    });
  });
});

describe("GET /api/tickets/search", () => {
  it("answers 200 with entries, cursor, scanned and bounds", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const ids = await append(redis, keys.stream, 10, guest);
    const response = await searchRoute.GET(request("/api/tickets/search?name=guest&count=2", { cookie }), none);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      entries: [
        { id: ids[9], fields: { name: "Guest 9", seat: "B10", movieId: "2", sessionId: "5" } },
        { id: ids[6], fields: { name: "Guest 6", seat: "B7", movieId: "1", sessionId: "5" } },
      ],
      cursor: ids[6],
      scanned: 4,
      bounds: { from: ids[0], to: ids[9] },
    });
    expect((await searchRoute.GET(request("/api/tickets/search", {}), none)).status).toBe(401);
  });

  it.each([
    ["count=0", "count", /count must be a whole number from 1 to 500/],
    ["count=501", "count", /count/],
    ["count=ten", "count", /count/],
    ["cursor=abc", "cursor", /cursor must be an entry id/],
    ["from=yesterday", "from", /from must be an entry id/],
    ["to=12-x", "to", /to must be an entry id/],
    ["from=2000-0&to=1000-0", "from", /from must not be after to/],
    ["from=2026-11-29T10:00&to=2026-11-28", "from", /from must not be after to/],
    ["movieId=x", "movieId", /movieId\) must be a positive whole number/],
    ["sessionId=0", "sessionId", /sessionId\) must be a positive whole number/],
    [`name=${"x".repeat(101)}`, "name", /name must be at most 100/],
  ])("answers 400 for %s, naming the parameter", async (query, field, message) => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    for (const handler of [searchRoute.GET, exportRoute.GET]) {
      const response = await handler(request(`/api/tickets/search?${query}`, { cookie }), none);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.stringMatching(message), field });
    }
  });
});

/** A small RFC 4180 reader, to check the export the way a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) throw new Error("the last row does not end with CRLF");
  return rows;
}

describe("CSV export", () => {
  it("quotes per RFC 4180 and defuses formulas", () => {
    expect(csvCell("Jim Crews")).toBe("Jim Crews");
    expect(csvCell('Jim "Jimmy", Crews')).toBe('"Jim ""Jimmy"", Crews"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    for (const risky of ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(csvCell(risky).replace(/^"/, "")[0]).toBe("'");
  });

  it("streams a header and one row per matching entry, newest first, as an attachment", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const ids = await append(redis, keys.stream, 2500, guest);
    const tricky = await sellTicket(
      redis,
      keys,
      { name: '=HYPERLINK("http://x","y"), "Bob"', seat: "A1", movieId: 1, sessionId: 5 },
      { soldBy: "ann" },
    );
    const refund = await refundTicket(redis, keys, "sam", tricky);

    const response = await exportRoute.GET(request("/api/tickets/export.csv?movieId=1", { cookie }), none);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="tickets-\d{8}-\d{6}\.csv"$/);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual([
      "id",
      "time",
      "type",
      "name",
      "seat",
      "movieId",
      "sessionId",
      "soldBy",
      "refundOf",
      "title",
      "startsAt",
      "hall",
      "price",
    ]);
    const expected = ids.filter((_, i) => i % 2 === 0);
    expect(rows).toHaveLength(1 + 2 + expected.length);
    expect(rows.slice(3).map((row) => row[0])).toEqual(expected.reverse());
    expect(rows[1]).toEqual([
      refund,
      new Date(Number(refund.split("-")[0])).toISOString(),
      "refund",
      `'=HYPERLINK("http://x","y"), "Bob"`,
      "A1",
      "1",
      "5",
      "",
      tricky,
      "",
      "",
      "",
      "",
    ]);
    expect(rows[2]).toEqual([
      tricky,
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      "sale",
      `'=HYPERLINK("http://x","y"), "Bob"`,
      "A1",
      "1",
      "5",
      "ann",
      "",
      "",
      "",
      "",
      "",
    ]);
    expect(rows[3]!.slice(2)).toEqual(["sale", "Visitor 2498", "B19", "1", "5", "", "", "", "", "", ""]);
  });

  it("answers a header alone for an empty stream, and stops reading Redis when the download is abandoned", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const empty = await exportRoute.GET(request("/api/tickets/export.csv", { cookie }), none);
    expect(await empty.text()).toBe("id,time,type,name,seat,movieId,sessionId,soldBy,refundOf,title,startsAt,hall,price\r\n");

    const ids = await append(redis, keys.stream, 30_000, guest);
    // Count the pages read on this real client.
    let pages = 0;
    const xrevrange = redis.xrevrange.bind(redis);
    redis.xrevrange = ((...args: Parameters<typeof xrevrange>) => {
      pages++;
      return xrevrange(...args);
    }) as typeof redis.xrevrange;
    const reader = csvStream(redis, keys, {}, { from: ids[0]!, to: ids.at(-1)! }).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const afterCancel = pages;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(afterCancel).toBeLessThanOrEqual(2);
    expect(pages).toBeLessThan(30_000 / 2000);
    expect(pages).toBe(afterCancel);

    const aborted = new AbortController();
    const stream = csvStream(redis, keys, {}, { from: ids[0]!, to: ids.at(-1)! }, { signal: aborted.signal }).getReader();
    await stream.read();
    await stream.read();
    aborted.abort();
    let chunks = 0;
    while (!(await stream.read()).done) chunks++;
    expect(chunks).toBeLessThanOrEqual(1);
  });
});
