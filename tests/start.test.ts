import { runnerEnv } from "@/harness/env";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  readlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { buildIsStale } from "@/scripts/build";
import { alive, childrenOf, fetchInside, isolatedNode } from "./support/isolated";
import { BUILD_LIMIT_MS, ensureFreshBuild, ROOT, runNode, serverEnv } from "./support/real-server";
import { until } from "./support/writer";

/** A stand-in project for scripts/start.ts: one page, and a `next` that records its call and fails the build. */
function fakeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-start-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app", "page.tsx"), "export default function Page() { return null; }\n");
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules", "tsx"), join(dir, "node_modules", "tsx"));
  writeFileSync(join(dir, "node_modules", ".bin", "next"), '#!/bin/sh\necho "$@ in $PWD" >> next-calls\nexit 3\n');
  chmodSync(join(dir, "node_modules", ".bin", "next"), 0o755);
  return dir;
}

/** Sets a file's modification time `seconds` from now. */
const touch = (path: string, seconds: number) =>
  utimesSync(path, new Date(Date.now() + seconds * 1000), new Date(Date.now() + seconds * 1000));

/** Environments where nothing answers at the default REDIS_URL: no REDIS_URL, PORT or HOST set, defaults all through. */
const defaults = (path: string) => serverEnv({ PATH: path, STREAMDESK_ADMIN_PASSWORD: undefined, STREAMDESK_SECRET: undefined });

describe("npm start", () => {
  beforeAll(ensureFreshBuild, BUILD_LIMIT_MS);

  it("decides a build is stale when there is none or any source is newer than it, and not for other files", () => {
    const dir = fakeProject();
    expect(buildIsStale(dir)).toBe(true);
    mkdirSync(join(dir, ".next"));
    writeFileSync(join(dir, ".next", "BUILD_ID"), "x");
    mkdirSync(join(dir, "components", "desk"), { recursive: true });
    writeFileSync(join(dir, "components", "desk", "form.tsx"), "");
    for (const file of ["next.config.js", "package-lock.json", "README.md"]) writeFileSync(join(dir, file), "");
    mkdirSync(join(dir, "tests"));
    writeFileSync(join(dir, "tests", "x.test.ts"), "");
    touch(join(dir, ".next", "BUILD_ID"), 10);
    expect(buildIsStale(dir)).toBe(false);
    for (const other of ["README.md", "tests/x.test.ts"]) {
      touch(join(dir, other), 20);
      expect(buildIsStale(dir), other).toBe(false);
    }
    let later = 30;
    for (const source of ["app/page.tsx", "components/desk/form.tsx", "next.config.js", "package-lock.json"]) {
      touch(join(dir, ".next", "BUILD_ID"), (later += 10));
      expect(buildIsStale(dir), source).toBe(false);
      touch(join(dir, source), (later += 10));
      expect(buildIsStale(dir), source).toBe(true);
    }
  });

  it("runs next build in the project when the build is stale, and stops with one sentence when that build fails", async () => {
    const dir = fakeProject();
    mkdirSync(join(dir, ".next"));
    writeFileSync(join(dir, ".next", "BUILD_ID"), "x");
    touch(join(dir, ".next", "BUILD_ID"), -60);
    const start = runNode([join(ROOT, "scripts", "start.ts")], { cwd: dir, env: defaults(runnerEnv("PATH") ?? "") });
    const exit = await start.exited;
    expect(exit.code, start.stderr()).toBe(1);
    expect(start.stdout()).toContain("StreamDesk: building the production bundle (next build)…");
    expect(readFileSync(join(dir, "next-calls"), "utf8")).toBe(`build in ${dir}\n`);
    expect(start.stderr().trim()).toBe("StreamDesk cannot start: the production build failed (see above).");
  });

  it(
    "with nothing at the default REDIS_URL, serves with a redis-server it starts (data in .data/redis, append-only), and stops it on SIGTERM; a fresh build is not rebuilt",
    { timeout: 60_000 },
    async () => {
      const built = statSync(join(ROOT, ".next", "BUILD_ID")).mtimeMs;
      const start = runNode(["scripts/start.ts"], { env: defaults(runnerEnv("PATH") ?? ""), command: isolatedNode() });
      await start.waitFor(/StreamDesk listening on http:\/\/127\.0\.0\.1:3000/);
      const pid = start.child.pid!;
      expect(start.logLines()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: "nothing answers at 127.0.0.1:6379; starting redis-server with data in .data/redis" }),
        ]),
      );
      expect(start.stdout()).not.toContain("building the production bundle");
      expect(statSync(join(ROOT, ".next", "BUILD_ID")).mtimeMs).toBe(built);
      const [redis, ...others] = childrenOf(pid);
      expect(others).toEqual([]);
      expect(redis!.argv).toEqual(["redis-server 127.0.0.1:6379"]);
      // redis-server works in its --dir; seen through its own mount namespace, where .data is the test's tmpfs.
      expect(readlinkSync(`/proc/${redis!.pid}/cwd`)).toBe(join(ROOT, ".data", "redis"));
      expect(readdirSync(`/proc/${redis!.pid}/root${join(ROOT, ".data", "redis")}`)).toContain("appendonlydir");
      // It works: the first supervisor was created in that Redis, and health answers from inside.
      expect(start.stdout()).toContain('created the supervisor account "admin"');
      expect(await fetchInside(pid, "http://127.0.0.1:3000/api/health")).toEqual({
        status: 200,
        body: JSON.stringify({ status: "ok", redis: "ok" }),
      });

      const stopped = await start.stop("SIGTERM");
      expect(stopped, start.stderr()).toMatchObject({ code: 0, signal: null });
      await until(() => !alive(redis!.pid), 5000, "the redis-server StreamDesk started to stop");
    },
  );

  it(
    "with no Redis and no redis-server on PATH, exits 1 at once with one sentence saying how to get one",
    { timeout: 30_000 },
    async () => {
      const bin = mkdtempSync(join(tmpdir(), "streamdesk-path-"));
      onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
      symlinkSync(process.execPath, join(bin, "node"));
      expect(existsSync(join(bin, "redis-server"))).toBe(false);
      const start = runNode(["scripts/start.ts"], { env: defaults(bin), command: isolatedNode() });
      const exit = await start.exited;
      expect(exit.code, start.stdout()).toBe(1);
      expect(exit.ms).toBeLessThan(15_000);
      const lines = start.stderr().trim().split("\n");
      expect(lines).toEqual([
        'StreamDesk cannot start: Nothing answers at redis://127.0.0.1:6379 and there is no redis-server on PATH: install Redis (for example "apt-get install redis-server" or "brew install redis"), or set REDIS_URL to a running Redis.',
      ]);
      expect(start.stdout()).not.toContain("StreamDesk listening");
    },
  );
});
