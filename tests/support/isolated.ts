/**
 * Runs a command where no Redis answers at the default 127.0.0.1:6379, whatever runs on this machine: in
 * a network namespace of its own (its own loopback) and a mount namespace where the project's `.data` is
 * an empty tmpfs, so a redis-server it starts neither meets nor touches anyone else's data. Unprivileged
 * user namespaces make this work without root (`unshare -rnm`).
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./real-server";

const run = promisify(execFile);

/** The absolute path of a program on this machine's PATH (the isolated command may get a PATH without it). */
export function which(program: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${program} is not on PATH; the isolated start tests need it`);
  return found;
}

/**
 * The command prefix that runs the rest of its arguments isolated, ending with `node`: for `runNode`'s `command`.
 * @throws Error with the reason when this machine cannot make namespaces.
 */
export function isolatedNode(): string[] {
  mkdirSync(join(ROOT, ".data"), { recursive: true });
  const unshare = which("unshare");
  const ip = which("ip");
  const mount = which("mount");
  const script = `"${ip}" link set lo up && "${mount}" -t tmpfs streamdesk-test "$0/.data" && exec "$@"`;
  const probe = spawnSync(unshare, ["-rnm", "/bin/sh", "-c", script, ROOT, "true"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      `these tests run npm start in a network namespace of its own, and "unshare -rnm" failed here: ${probe.stderr.trim()} (enable unprivileged user namespaces, e.g. sysctl kernel.unprivileged_userns_clone=1)`,
    );
  }
  return [unshare, "-rnm", "/bin/sh", "-c", script, ROOT, process.execPath];
}

/** GET `path` from inside the network namespace of process `pid`; resolves with the status and body. */
export async function fetchInside(pid: number, url: string): Promise<{ status: number; body: string }> {
  const code = `fetch(${JSON.stringify(url)}).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })), (e) => process.stdout.write(JSON.stringify({ status: 0, body: String(e.cause ?? e) })))`;
  const { stdout } = await run(which("nsenter"), ["-t", String(pid), "-U", "-n", "--preserve-credentials", process.execPath, "-e", code], {
    timeout: 10_000,
  });
  return JSON.parse(stdout) as { status: number; body: string };
}

/** The processes `pid` started and that still run (zombies left out), with their command lines. */
export function childrenOf(pid: number): { pid: number; argv: string[] }[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((child) => alive(child))
    .map((child) => ({ pid: child, argv: readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").filter(Boolean) }));
}

/** True while `pid` runs (a zombie waiting to be reaped does not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
