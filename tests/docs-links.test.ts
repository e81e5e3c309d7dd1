import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The README is a front door into docs/: a link that leads nowhere, or a setting or route the docs forget,
// is what a newcomer hits first. These checks read the Markdown as GitHub renders it.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = new Set(["node_modules", ".next", ".git", ".data", "test-results", "playwright-report"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code, where GitHub renders links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(text!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** Every relative link and image in the Markdown under `root` that does not resolve, as `file: target`. */
function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  for (const file of markdownFiles(root)) {
    const text = readFileSync(file, "utf8");
    for (const [, target] of prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z+.-]*:/i.test(target!)) continue;
      const [path = "", anchor] = target!.split("#");
      const to = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(root, file)}: ${target}`;
      if (!existsSync(to)) broken.push(where);
      else if (anchor !== undefined && to.endsWith(".md") && !anchors(readFileSync(to, "utf8")).has(anchor)) broken.push(where);
    }
  }
  return broken;
}

describe("links in the README and docs/", () => {
  it("all lead to a file that exists, and to a heading in it when they name one", () => {
    expect(brokenLinks(ROOT)).toEqual([]);
  });

  it("reports a missing file, a missing heading and a missing image", () => {
    const dir = mkdtempSync(join(tmpdir(), "streamdesk-docs-"));
    try {
      mkdirSync(join(dir, "docs"));
      writeFileSync(join(dir, "docs", "api.md"), "# API\n\n## Socket.IO events\n");
      writeFileSync(
        join(dir, "README.md"),
        [
          "[ok](docs/api.md#socketio-events) [ok](#start) [web](https://example.com/x.md)",
          "## Start",
          "[gone](docs/gone.md) [no heading](docs/api.md#sockets) ![picture](docs/desk.png)",
          "`[in code](nowhere.md)`",
        ].join("\n"),
      );
      expect(brokenLinks(dir)).toEqual(["README.md: docs/gone.md", "README.md: docs/api.md#sockets", "README.md: docs/desk.png"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what the docs promise to cover", () => {
  it("the README's configuration table names every variable lib/config.ts reads", () => {
    const config = readFileSync(join(ROOT, "lib", "config.ts"), "utf8");
    const variables = [...config.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map(([, name]) => name!).filter((name) => name !== "NODE_ENV");
    expect(variables.length).toBeGreaterThan(20);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    // A row's first cell names it; Prettier pads the cells of a table to one width.
    const named = new Set([...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map(([, name]) => name!));
    expect(variables.filter((name) => !named.has(name))).toEqual([]);
  });

  it("docs/api.md names every API route under app/api", () => {
    const api = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    const routes = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return walk(path);
        return name === "route.ts" ? ["/" + relative(join(ROOT, "app"), dir).replace(/\[([^\]]+)\]/g, ":$1")] : [];
      });
    })(join(ROOT, "app", "api"));
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((route) => !api.includes(route))).toEqual([]);
  });
});
