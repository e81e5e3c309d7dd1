import { spawn, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: where the app runs from. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal sent by {@link NodeProcess.stop} (or from the start) to the exit. */
  ms: number;
}

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Everything it printed, stdout and stderr, in the order it arrived. */
  output(): string;
  /** Every line of stdout and stderr that is a JSON log object. */
  logLines(): Record<string, unknown>[];
  /** True until the process has exited. */
  running(): boolean;
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<Exit>;
  /** Resolves with the match once stdout holds `pattern`; rejects if the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray>;
  /** Sends `signal` (SIGTERM unless given) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** SIGKILL to the process or, when it was started detached, to its whole group; resolves once it exited. */
  kill(): Promise<void>;
}

/**
 * Runs `args` under node with tsx as a loader (`node --import tsx`, as `npm start` and the Dockerfile do,
 * not the tsx CLI, whose relay turns SIGTERM into SIGKILL when the server is busy): the pid is the
 * script itself, so signals reach its own handlers. `detached` gives it a process group of its own, so
 * whatever it starts can be killed with it.
 */
export function launchNode(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; detached?: boolean; command?: string[]; imports?: string[] },
): NodeProcess {
  const began = performance.now();
  const [command, ...prefix] = options.command ?? [process.execPath];
  const imports = ["tsx", ...(options.imports ?? [])].flatMap((module) => ["--import", module]);
  const child = spawn(command!, [...prefix, ...imports, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    detached: options.detached ?? false,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let output = "";
  let signalledAt = began;
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  // Its output is complete at "close"; but a process it started and left running (a redis-server sharing
  // its stderr) would hold that off for ever, so wait for "close" a second at most.
  const exited = new Promise<Exit>((done) =>
    child.once("exit", (code, signal) => {
      const exit = { code, signal, ms: performance.now() - signalledAt };
      const timer = setTimeout(() => done(exit), 1000);
      child.once("close", () => {
        clearTimeout(timer);
        done(exit);
      });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const parse = (line: string) => {
    try {
      const value = JSON.parse(line) as unknown;
      return typeof value === "object" && value !== null ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  };
  const printed = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    logLines: () => `${stdout}\n${stderr}`.split("\n").flatMap(parse),
    running,
    exited,
    waitFor(pattern, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = pattern.exec(stdout);
          if (!found) return false;
          clearInterval(timer);
          clearTimeout(limit);
          resolve(found);
          return true;
        };
        const timer = setInterval(check, 20);
        const limit = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`no ${pattern} on stdout within ${ms} ms\n${printed()}`));
        }, ms);
        void exited.then(({ code, signal }) => {
          if (check()) return;
          clearInterval(timer);
          clearTimeout(limit);
          reject(new Error(`the process exited with ${code ?? signal} before printing ${pattern}\n${printed()}`));
        });
      });
    },
    async stop(signal = "SIGTERM") {
      signalledAt = performance.now();
      if (running()) child.kill(signal);
      return exited;
    },
    async kill() {
      if (child.pid === undefined) return;
      try {
        if (options.detached) process.kill(-child.pid, "SIGKILL");
        else if (running()) child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
}

/** Polls `GET <url>/api/health` until it answers 200; rejects after `ms`, or as soon as `gaveUp` returns a reason. */
export async function waitForHealth(url: string, ms: number, gaveUp: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`GET /api/health never answered 200 within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True while a process with `pid` exists (kill -0; a zombie counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
