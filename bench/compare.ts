// `npx tsx bench/compare.ts <before.json> <after.json>`: issue 12's targets from two runs side by side, as
// bench/README.md shows them. Ratios are the figures to compare: absolute ones move with the machine.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Results } from "./report";
import { summaryTable } from "./summary";

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write("usage: npx tsx bench/compare.ts <before.json> <after.json>\n");
  process.exit(2);
}
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Results;
const label = (file: string) => basename(file, ".json");
process.stdout.write(summaryTable(read(afterFile), { label: label(beforeFile), results: read(beforeFile) }, label(afterFile)) + "\n");
