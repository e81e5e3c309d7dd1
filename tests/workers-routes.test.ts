import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import * as accountingRoute from "@/app/api/accounting/route";
import * as printedRoute from "@/app/api/tickets/printed/route";
import * as htmlRoute from "@/app/api/tickets/[id]/ticket.html/route";
import * as pdfRoute from "@/app/api/tickets/[id]/ticket.pdf/route";
import { recordAccounting } from "@/lib/accounting";
import { ensureGroup, readGroup } from "@/lib/consumer";
import { changeProgram } from "@/lib/program";
import { sellTickets } from "@/lib/tickets";
import { toEntries, type RawEntry, type TicketEntry } from "@/lib/entries";
import { TicketPrinter } from "@/workers/tickets";
import { redisFixture } from "./support/context";
import { config, request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };
const at = (id: string) => ({ params: Promise.resolve({ id }) });

async function setUp() {
  const { redis, keys } = await redisFixture();
  const outDir = mkdtempSync(join(tmpdir(), "streamdesk-tickets-"));
  onTestFinished(() => rmSync(outDir, { recursive: true, force: true }));
  withContext(redis, keys, { config: { ...config, workers: { ...config.workers, outDir, claimIdleMs: 60_000 } } });
  const cookie = await signedIn(redis, keys, "sam", "seller");
  await changeProgram(redis, keys, "sam", {
    kind: "import",
    document: {
      movies: [{ movieId: "53", title: "Dune: Part Two", runtimeMinutes: 166 }],
      halls: [{ hallId: "2", name: "Hall 2", rows: [{ row: "A", seats: 10 }] }],
      showings: [{ sessionId: "832", movieId: "53", hallId: "2", startsAt: "2030-01-01T20:30:00Z", price: 1100 }],
    },
  });
  return { redis, keys, outDir, cookie };
}

describe("tickets and accounting routes", () => {
  it("serve a printed ticket with its film and seat, say which are done, pending or waiting, and 404 the rest", async () => {
    const { redis, keys, outDir, cookie } = await setUp();
    const [printed, held, unread] = await sellTickets(
      redis,
      keys,
      { name: "Ann <b>", seats: ["A3", "A4", "A5"], movieId: "53", sessionId: "832" },
      { extra: { price: "1100" } },
    );
    await ensureGroup(redis, keys, "printing");
    const [first, second] = await readGroup(redis, keys, "printing", "desk-test", ">", 2, 10);
    await new TicketPrinter(redis, keys, outDir).handle([first!]);
    expect(second!.id).toBe(held);

    const states = await printedRoute.GET(request(`/api/tickets/printed?ids=${printed},${held},${unread}`, { cookie }), none);
    expect(states.status).toBe(200);
    const { tickets, groupExists } = (await states.json()) as {
      groupExists: boolean;
      tickets: Record<string, { state: string; consumer?: string }>;
    };
    expect(groupExists).toBe(true);
    expect(tickets[printed!]).toMatchObject({ state: "done" });
    expect(tickets[held!]).toMatchObject({ state: "pending", consumer: "desk-test" });
    expect(tickets[unread!]).toEqual({ state: "waiting" });

    const html = await htmlRoute.GET(request(`/api/tickets/${printed}/ticket.html`, { cookie }), at(printed!));
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page).toContain("Dune: Part Two");
    expect(page).toMatch(/data-field="seat">A3</);
    expect(page).toContain("Hall 2");
    expect(page).toContain("Ann &lt;b&gt;");
    const pdf = await pdfRoute.GET(request(`/api/tickets/${printed}/ticket.pdf`, { cookie }), at(printed!));
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const missing = await pdfRoute.GET(request(`/api/tickets/${held}/ticket.pdf`, { cookie }), at(held!));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/not printed yet/);
    expect((await pdfRoute.GET(request("/api/tickets/x/ticket.pdf", { cookie }), at("../../etc/passwd"))).status).toBe(400);
    expect((await pdfRoute.GET(request(`/api/tickets/${printed}/ticket.pdf`), at(printed!))).status).toBe(401);
  });

  it("GET /api/accounting shows what the accounting worker counted", async () => {
    const { redis, keys, cookie } = await setUp();
    await sellTickets(redis, keys, { name: "Ann", seats: ["A1", "A2"], movieId: "53", sessionId: "832" }, { extra: { price: "1100" } });
    await recordAccounting(redis, keys, toEntries((await redis.xrange(keys.stream, "-", "+")) as RawEntry[]));
    const response = await accountingRoute.GET(request("/api/accounting", { cookie }), none);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { screenings: unknown[]; today: unknown };
    expect(body.screenings).toEqual([{ movieId: "53", sessionId: "832", seats: 2, takings: 2200, sales: 2, refunds: 0 }]);
    expect(body.today).toMatchObject({ seats: 2, takings: 2200, sales: 2 });
  });
});

describe("tickets worker on odd entries", () => {
  it("prints what is known for missing or odd fields, and gives up only on an entry with nothing to print", async () => {
    const { redis, keys, outDir } = await setUp();
    const entries: TicketEntry[] = [
      { id: "1-1", fields: { name: "東京 Zoë", seat: "zz99", movieId: "abc" } },
      { id: "1-2", fields: { seat: "A1" } },
      { id: "1-3", fields: { name: "x".repeat(5000), movieId: "53", sessionId: "832", price: "-5" } },
      { id: "1-4", fields: { note: "till opened" } },
      { id: "1-5", fields: { type: "refund", refundOf: "1-3", seat: "A1" } },
    ];
    const outcome = await new TicketPrinter(redis, keys, outDir).handle(entries);
    expect(outcome).toEqual({ failed: [], poison: [{ id: "1-4", reason: expect.stringMatching(/nothing to print/) }] });
    expect(readdirSync(outDir).sort()).toEqual(["1-1.html", "1-1.pdf", "1-2.html", "1-2.pdf", "1-3.html", "1-3.pdf"]);
    const first = readFileSync(join(outDir, "1-1.html"), "utf8");
    expect(first).toContain("Movie abc");
    expect(first).toContain("東京 Zoë");
    expect(first).toMatch(/data-field="seat">ZZ99</);
    const third = readFileSync(join(outDir, "1-3.html"), "utf8");
    // Known showing, absurd name cut short, a price that is not cents replaced by the programme's.
    expect(third).toContain("Dune: Part Two");
    expect(third).toMatch(/data-field="name">x{59}…</);
    expect(third).toMatch(/data-field="price">11\.00</);
    expect(await redis.hkeys(keys.ticketsPrinted)).toEqual(expect.arrayContaining(["1-1", "1-2", "1-3"]));
    expect(await redis.hlen(keys.ticketsPrinted)).toBe(3);
  });
});
