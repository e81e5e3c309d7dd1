import { execFile, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves when `child` has exited (at once if it already has), or with false after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the process group led by `pid` (a child spawned with `detached: true`), ignoring a gone group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls `check` until it returns true, or throws `message` after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(message);
}

/** Replies redis-cli prints for a failed command (it exits 0 for them when reading commands from stdin). */
const ERROR_REPLY = /^(ERR|WRONGTYPE|NOGROUP|BUSYGROUP|NOSCRIPT|NOPERM|NOAUTH|OOM|READONLY|LOADING|MOVED|ASK|CROSSSLOT|EXECABORT)\b/m;

/**
 * Runs the real `redis-cli -p <port>` with `args` as its argv and resolves with what it printed, trimmed.
 * Rejects when the command fails, as a person at the prompt would notice.
 */
export function redisCliArgs(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("redis-cli", ["-e", "-p", String(port), ...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(" ")} failed: ${stderr || stdout || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/**
 * Types `lines` into `redis-cli -p <port>` on its standard input, so quoting is parsed by redis-cli itself,
 * exactly as for a person pasting the tutorial's commands. Resolves with the printed lines.
 */
export function redisCliTyped(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile("redis-cli", ["-p", String(port)], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli failed: ${stderr || stdout || error.message}`));
      else if (ERROR_REPLY.test(stdout)) reject(new Error(`redis-cli answered with an error:\n${stdout}`));
      else resolve(stdout.trim().split("\n"));
    });
    child.stdin?.end(lines.join("\n") + "\n");
  });
}
