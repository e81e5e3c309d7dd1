import { request as httpRequest } from "node:http";
import { expect, test } from "./fixtures";

/** The server's resident memory, from its own /metrics (loopback HOST: served without a token). */
async function rssMiB(baseURL: string): Promise<number> {
  const text = await (await fetch(`${baseURL}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("streamdesk_process_resident_memory_bytes "));
  return Number(line?.split(" ")[1]) / 2 ** 20;
}

/**
 * POSTs a chunked body (no Content-Length) of up to `totalBytes` as fast as the server takes it; resolves
 * with the status the server answered (0 when it ended the connection without one) and how much was sent.
 */
function chunkedPost(url: string, totalBytes: number): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve({ status, sentBytes: sent });
    };
    const req = httpRequest(
      url,
      { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        res.resume();
        finish(res.statusCode ?? 0);
      },
    );
    req.on("error", () => finish(0));
    const pump = () => {
      while (!done && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!done) req.end();
    };
    req.write('{"username":"admin","password":"');
    pump();
  });
}

test("chunked request bodies of 200 MB, four at once and with no sign-in, are refused with 413 while memory stays flat and the server keeps serving", async ({
  app,
}) => {
  test.setTimeout(120_000);
  const before = await rssMiB(app.baseURL);
  let peak = before;
  let healthChecks = 0;
  let stop = false;
  const watching = (async () => {
    while (!stop) {
      peak = Math.max(peak, await rssMiB(app.baseURL));
      expect((await fetch(`${app.baseURL}/api/health`)).status).toBe(200);
      healthChecks++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const answers = await Promise.all(Array.from({ length: 4 }, () => chunkedPost(`${app.baseURL}/api/session`, 200 * 2 ** 20)));
  stop = true;
  await watching;
  for (const { status, sentBytes } of answers) {
    expect(status).toBe(413);
    // The server answered long before the client could push 200 MB.
    expect(sentBytes).toBeLessThan(100 * 2 ** 20);
  }
  expect(peak - before).toBeLessThan(64);
  expect(healthChecks).toBeGreaterThan(0);
  // And still serves a normal sign-in.
  const signIn = await fetch(`${app.baseURL}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "wrong-password" }),
  });
  expect(signIn.status).toBe(401);
});

test("pages run only scripts carrying their response's nonce; pages, API answers and /socket.io carry the security headers", async ({
  page,
}) => {
  const response = await page.goto("/");
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  const csp = response!.headers()["content-security-policy"]!;
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
  expect(csp.split("; ").find((d) => d.startsWith("script-src"))).not.toContain("unsafe-inline");
  expect(csp).toContain("connect-src 'self'");
  // Every inline script of the page carries the nonce (the page went live above, so they ran).
  const inline = await page.locator("script:not([src])").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(inline.length).toBeGreaterThan(0);
  expect(new Set(inline)).toEqual(new Set([nonce]));
  // A second load gets another nonce.
  const again = (await page.request.get("/")).headers()["content-security-policy"];
  expect(again).not.toContain(nonce!);

  const api = await page.request.get("/api/health");
  const polling = await page.request.get("/socket.io/?EIO=4&transport=polling");
  for (const headers of [response!.headers(), api.headers(), polling.headers()]) {
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["strict-transport-security"]).toBeUndefined();
  }
  // Behind an HTTPS proxy, HSTS too.
  const https = await page.request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toBe("max-age=31536000");
});

test("a live link opened from another site's page is refused at the handshake", async ({ app, page }) => {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const handshake = (origin: string) => fetch(`${app.baseURL}/socket.io/?EIO=4&transport=polling`, { headers: { origin, cookie } });
  const foreign = await handshake("https://evil.example");
  expect(foreign.status).toBe(403);
  const own = await handshake(app.baseURL);
  expect(own.status).toBe(200);
});
