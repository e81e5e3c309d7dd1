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
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
    });
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

test("chunked request bodies of 200 MB, four at once and with no sign-in, are refused with 413 while memory stays flat and the server keeps serving", async ({ app }) => {
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
  const signIn = await fetch(`${app.baseURL}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "wrong-password" }) });
  expect(signIn.status).toBe(401);
});
