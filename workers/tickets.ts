import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import type { StreamKeys } from "@/lib/keys";
import { recordPrinted } from "@/lib/printed-tickets";
import { ticketPath } from "@/lib/ticket-files";
import { programVersion, readProgram } from "@/lib/program";
import type { RedisClient } from "@/lib/redis";
import { isSale, type TicketEntry } from "@/lib/entries";
import { indexProgram, type ProgramIndex } from "@/lib/validations/program-index";
import type { Handler, Outcome } from "./loop";
import { partPath, sweepParts } from "./parts";
import { renderTicketHtml, renderTicketPdf, ticketFor } from "./ticket-render";

/**
 * Writes the file under a temporary name and renames it into place: a reader (the desk, a test counting
 * files) sees the whole ticket or none, and a redelivered entry replaces it with the same bytes' worth,
 * so there is one file per entry however often it is handled.
 */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const part = partPath(path);
  try {
    await writeFile(part, data);
    await rename(part, path);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
}

/** The `tickets` worker: each sale becomes a printable ticket (HTML and PDF), recorded in the printed-tickets hash. */
export class TicketPrinter implements Handler {
  #program: { version: string; index: ProgramIndex } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
    private readonly outDir: string,
  ) {}

  /** Clears what a worker killed mid-write left: a part file is never a ticket, and would pile up. */
  async prepare(): Promise<string[]> {
    await mkdir(this.outDir, { recursive: true });
    return sweepParts(this.outDir);
  }

  async handle(entries: TicketEntry[]): Promise<Outcome> {
    await mkdir(this.outDir, { recursive: true });
    const index = await this.#index();
    const outcome: Outcome = { failed: [], poison: [] };
    const printed: string[] = [];
    await Promise.all(
      entries.map(async ({ id, fields }) => {
        // Refunds and other kinds are not sales: nothing to print, and done.
        if (!isSale(fields)) return;
        if (!fields.name?.trim() && !fields.seat?.trim() && !fields.movieId?.trim() && !fields.sessionId?.trim()) {
          outcome.poison.push({ id, reason: "no name, seat, film or showing: nothing to print on a ticket" });
          return;
        }
        try {
          const ticket = ticketFor(id, fields, index);
          const [html, pdf] = await Promise.all([renderTicketHtml(ticket), renderTicketPdf(ticket)]);
          await writeAtomically(ticketPath(this.outDir, id, "html"), html);
          await writeAtomically(ticketPath(this.outDir, id, "pdf"), pdf);
          printed.push(id);
        } catch (error) {
          outcome.failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    await recordPrinted(this.redis, this.keys, printed);
    return outcome;
  }

  /** The programme index, rebuilt only when its version moved on (one small HMGET per batch). */
  async #index(): Promise<ProgramIndex> {
    const version = await programVersion(this.redis, this.keys);
    if (this.#program?.version !== version) {
      const state = await readProgram(this.redis, this.keys);
      this.#program = { version: state.version, index: indexProgram(state.document) };
    }
    return this.#program.index;
  }
}
