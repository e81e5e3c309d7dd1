import type { IncomingMessage } from "node:http";
import { BodyTooLargeError, ValidationError } from "@/lib/errors";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON body, refusing other content types and malformed JSON with a 400 and bodies over `maxBytes`
 * with a 413. The body is read as a stream and reading stops at the limit, so a chunked upload of any
 * size costs at most `maxBytes` of memory.
 */
export async function readJson(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  checkJsonHeaders(request.headers.get("content-type"), request.headers.get("content-length"), maxBytes);
  return parseJson(await readText(request, maxBytes));
}

/**
 * {@link readJson} for a request the Node server holds (the fast path), with the same answers. Past the
 * limit it stops keeping what arrives and lets the rest drain: the server then ends the connection once
 * the 413 is written (see server/http-server.ts), rather than resetting it before the client could read it.
 */
export function readNodeJson(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  checkJsonHeaders(req.headers["content-type"] ?? null, req.headers["content-length"] ?? null, maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      stop();
      req.resume();
      reject(new BodyTooLargeError(maxBytes));
    };
    const onEnd = () => {
      stop();
      try {
        resolve(parseJson(Buffer.concat(chunks).toString("utf8")));
      } catch (error) {
        reject(error);
      }
    };
    // The client went away mid-upload: nobody reads the answer, and nothing may be written.
    const onGone = () => {
      stop();
      reject(new ValidationError("The body was cut off before its end."));
    };
    req.on("data", onData).on("end", onEnd).on("error", onGone).on("close", onGone);
  });
}

/** Both readers' checks before a byte is read: a JSON content type, and a declared length within the limit. */
function checkJsonHeaders(type: string | null, length: string | null, maxBytes: number): void {
  if (!/^application\/json\b/i.test(type ?? "")) {
    throw new ValidationError("Send the body as JSON with Content-Type: application/json.");
  }
  if (Number(length ?? "0") > maxBytes) throw new BodyTooLargeError(maxBytes);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError("The body is not valid JSON.");
  }
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses an optional whole-number query parameter within bounds. */
export function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ValidationError(`${name} must be a whole number from ${min} to ${max}.`, name);
  }
  return Number(raw);
}
