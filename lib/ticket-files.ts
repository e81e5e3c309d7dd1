import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { TicketNotPrintedError, ValidationError } from "./errors";
import { isStreamId, type StreamId } from "./stream-id";

// Ticket files, shared by the tickets worker that writes them and the app that serves them: the one place
// that turns an entry id into a path, after checking it is an id (so no request can name another file).

export type TicketFormat = "pdf" | "html";

/** `<dir>/<entry id>.<format>`. */
export function ticketPath(dir: string, id: StreamId, format: TicketFormat): string {
  if (!isStreamId(id)) throw new ValidationError(`${id} is not a stream id like 1700000000000-0.`, "id");
  // The ignore comments keep Next's file tracing from pulling the whole project into the build for a runtime path.
  return join(/* turbopackIgnore: true */ dir, `${id}.${format}`);
}

/**
 * The printed ticket of entry `id`.
 * @throws ValidationError for something that is not a stream id; TicketNotPrintedError when there is no file.
 */
export async function readTicketFile(dir: string, id: StreamId, format: TicketFormat): Promise<Buffer> {
  try {
    return await readFile(/* turbopackIgnore: true */ ticketPath(dir, id, format));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new TicketNotPrintedError(id);
    throw error;
  }
}
