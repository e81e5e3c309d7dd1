import { launchNode } from "@/harness/app-process";
import { childEnv } from "@/harness/env";
import { onTestFinished } from "vitest";
import { TEST_SECRET } from "./session";

// Next.js in development mode compiles on start and on each route's first request; two busy cores are slow.
const START_LIMIT_MS = 60_000;

export interface EntryPoint {
  port: number;
  url: string;
  /** Sends SIGTERM; resolves with how the process ended and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Everything it printed (stdout and stderr): its JSON log lines. */
  output(): string;
}

/**
 * Starts the real `server/index.ts` (Next.js in development mode, so no build is needed) under tsx
 * directly, so the pid is the server and SIGTERM reaches its own shutdown. Listens on a free port, on
 * `redisUrl` and `stream`, with the tests' session secret, so cookies from `signedIn` work. Killed when
 * the test finishes.
 */
export async function startEntryPoint(redisUrl: string, stream: string, env: Record<string, string> = {}): Promise<EntryPoint> {
  const server = launchNode(["server/index.ts"], {
    env: childEnv({
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      REDIS_URL: redisUrl,
      TICKETS_STREAM: stream,
      STREAMDESK_SECRET: TEST_SECRET,
      STREAMDESK_ADMIN_PASSWORD: "entry-point-admin",
      LOG_LEVEL: "info",
      ...env,
    }),
  });
  onTestFinished(() => server.kill());
  const listening = await server.waitFor(/StreamDesk listening on http:\/\/127\.0\.0\.1:(\d+)/, START_LIMIT_MS);
  const port = Number(listening[1]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    terminate: () => server.stop("SIGTERM"),
    output: server.output,
  };
}
