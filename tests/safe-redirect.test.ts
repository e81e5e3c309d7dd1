import { request as httpRequest } from "node:http";
import { describe, expect, inject, it } from "vitest";
import { afterSignInUrl, returnPath, sameOriginUrl } from "@/lib/safe-redirect";
import { startTestApp } from "./support/app";

const ORIGIN = "https://desk.example.com";
/** What the sign-in form does with its page's query string. */
const fromQuery = (query: string) => afterSignInUrl(new URLSearchParams(query).get("next"), ORIGIN);

describe("where a sign-in sends the person", () => {
  it.each([
    ["next=/%5Cevil.com"],
    ["next=/%09/evil.com"],
    ["next=%2F%2Fevil.com"],
    ["next=//evil.com"],
    ["next=/%5C/evil.com"],
    ["next=%5C%5Cevil.com"],
    ["next=https://evil.com"],
    ["next=https://evil.com/groups"],
    ["next=http://desk.example.com/groups"],
    ["next=javascript:alert(document.cookie)"],
    ["next=%20javascript:alert(1)"],
    ["next=JaVaScRiPt%3Aalert(1)"],
    ["next=data:text/html,<script>alert(1)</script>"],
    ["next=%0D%0A//evil.com"],
    ["next=/%0A/evil.com"],
    ["next=https://desk.example.com@evil.com/"],
    ["next=/login?next=/groups"],
    ["next="],
    [""],
  ])("goes home for %s", (query) => {
    expect(fromQuery(query)).toBe(`${ORIGIN}/`);
  });

  it.each([
    ["next=%2Fgroups", "/groups"],
    ["next=/groups/printing?tab=pending#top", "/groups/printing?tab=pending#top"],
    ["next=/search%3Fname%3DBeth", "/search?name=Beth"],
    ["next=groups", "/groups"],
    // The browser reads a scheme-relative "https:evil.com" on an https page as a path, and so do we.
    ["next=https:evil.com", "/evil.com"],
    // Same origin, even though the path starts with two slashes: as an absolute URL it stays here.
    ["next=/.//evil.com", "//evil.com"],
    ["next=https://user:pw@desk.example.com/staff", "/staff"],
  ])("follows %s on this site", (query, path) => {
    expect(fromQuery(query)).toBe(`${ORIGIN}${path}`);
  });

  it("returns absolute URLs on the page's own origin only", () => {
    for (const next of [
      "/\\evil.com",
      "/\t/evil.com",
      "//evil.com",
      "https://evil.com",
      "/\\\\evil.com",
      "javascript:alert(1)",
      "\\/evil.com",
      "ftp://desk.example.com/",
    ]) {
      expect(sameOriginUrl(next, ORIGIN), JSON.stringify(next)).toBeNull();
    }
    expect(sameOriginUrl("/login", ORIGIN)).toBe(`${ORIGIN}/login`);
    expect(sameOriginUrl("/", "http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000/");
    expect(returnPath("/groups?x=1")).toBe("/groups?x=1");
    expect(returnPath("/\\evil.com")).toBe("/");
    expect(returnPath("//evil.com/x")).toBe("/");
  });

  it("has the page guard send signed-out visitors to /login with a next that stays on the site", async () => {
    const { url } = await startTestApp(inject("redisUrl"));
    const { port } = new URL(url);
    const locationFor = (path: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
          res.resume();
          resolve(res.headers.location);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await locationFor("/groups?x=1")).toBe("/login?next=%2Fgroups%3Fx%3D1");
    expect(await locationFor("/\\evil.com/groups")).toBe("/login?next=%2F");
    expect(await locationFor("//evil.com/groups")).toBe("/login?next=%2F");
  });
});
