// Loaded into the app server by the bench alone (`node --import`, see app-server.ts): it tells the bench how
// busy the server's event loop was and, when asked, profiles a window of it. Its socket is unref'd and it
// does nothing between requests, so the server runs as it would without it.
import { rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";
import { probeSocketPath, type ProbeReply, type ProbeRequest } from "./server-probe";

let profiler: Session | undefined;

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
}

async function answer(request: ProbeRequest): Promise<ProbeReply> {
  switch (request.op) {
    case "elu": {
      const { idle, active } = performance.eventLoopUtilization();
      return { ok: true, elu: { idle, active } };
    }
    case "profile-start": {
      if (profiler) return { ok: false, error: "a profile is already running" };
      profiler = new Session();
      profiler.connect();
      await post(profiler, "Profiler.enable");
      await post(profiler, "Profiler.start");
      return { ok: true };
    }
    case "profile-stop": {
      if (!profiler) return { ok: false, error: "no profile is running" };
      const { profile } = await post<{ profile: object }>(profiler, "Profiler.stop");
      profiler.disconnect();
      profiler = undefined;
      writeFileSync(request.file, JSON.stringify(profile));
      return { ok: true };
    }
  }
}

// Worker threads inherit --import; the loop the bench asks about is the main one.
if (isMainThread) {
  const path = probeSocketPath(process.pid);
  // A socket file left by a killed run whose pid came round again would make listen() fail.
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let text = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end < 0) return;
      answer(JSON.parse(text.slice(0, end)) as ProbeRequest).then(
        (reply) => socket.end(JSON.stringify(reply) + "\n"),
        (error: unknown) => socket.end(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }) + "\n"),
      );
    });
    socket.on("error", () => socket.destroy());
  });
  server.listen(path);
  server.unref();
  process.once("exit", () => rmSync(path, { force: true }));
}
