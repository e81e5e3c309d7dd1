import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The bench's line to the app server it started: `server-probe-hook.ts` runs inside the server (loaded with
 * `node --import`, never in production) and answers on a Unix socket named after the server's pid.
 */
export const probeSocketPath = (pid: number) => join(tmpdir(), `streamdesk-bench-server-${pid}.sock`);

export type ProbeRequest = { op: "elu" } | { op: "profile-start" } | { op: "profile-stop"; file: string };
export interface EluSample {
  idle: number;
  active: number;
}
export type ProbeReply = { ok: true; elu?: EluSample } | { ok: false; error: string };

const ASK_TIMEOUT_MS = 30_000;

/** One request, one line back. A fresh connection each time: a few per phase, and nothing left open. */
export function ask(pid: number, request: ProbeRequest): Promise<ProbeReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(probeSocketPath(pid));
    let text = "";
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(ASK_TIMEOUT_MS, () => fail(new Error(`the server did not answer ${request.op} within ${ASK_TIMEOUT_MS / 1000} s`)));
    socket.on("error", fail);
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end < 0) return;
      socket.end();
      resolve(JSON.parse(text.slice(0, end)) as ProbeReply);
    });
    socket.write(JSON.stringify(request) + "\n");
  });
}

/** Event-loop utilisation between two samples, 0–1. */
export function utilisation(from: EluSample, to: EluSample): number {
  const active = to.active - from.active;
  const total = active + to.idle - from.idle;
  return total > 0 ? active / total : NaN;
}
