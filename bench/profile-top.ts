// `npx tsx bench/profile-top.ts <file.cpuprofile> [rows]`: where a profiled window's CPU went, by self time,
// per function and per package (the server's own files, each node_modules package, Node's internals, GC).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: npx tsx bench/profile-top.ts <file.cpuprofile> [rows]\n");
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** `node_modules/next/…` → next, `node:internal/…` → node, the app's own files by their path. */
function owner({ functionName, url }: ProfileNode["callFrame"]): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node";
  const own = /\/((?:server|lib|app|bench|\.next)\/.*)$/.exec(url);
  return own ? own[1]!.replace(/^\.next\/.*/, ".next (compiled app)") : url;
}

const fn = new Map<string, number>();
const pkg = new Map<string, number>();
let total = 0;
let idle = 0;
// A sample's delta is the time since the previous one: the time it stands for.
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)?.callFrame;
  const us = profile.timeDeltas[i] ?? 0;
  if (!frame) return;
  total += us;
  if (frame.functionName === "(idle)") {
    idle += us;
    return;
  }
  const name = `${frame.functionName || "(anonymous)"} ${owner(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
  fn.set(name, (fn.get(name) ?? 0) + us);
  pkg.set(owner(frame), (pkg.get(owner(frame)) ?? 0) + us);
});

const busy = total - idle;
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
const top = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, rows);
process.stdout.write(
  `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(2)} s busy (shares below are of the busy time)\n\nby package:\n`,
);
for (const [name, us] of top(pkg)) process.stdout.write(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
process.stdout.write("\nby function (self time):\n");
for (const [name, us] of top(fn)) process.stdout.write(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
