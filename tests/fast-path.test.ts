import { request as httpRequest } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import * as tickets from "@/app/api/tickets/route";
import { createStaff } from "@/lib/staff";
import { startTestApp } from "./support/app";
import { startRedisServer } from "@/harness/redis-server";
import { anotherSession, withContext } from "./support/session";

/**
 * The custom server answers POST and GET /api/tickets itself. Every answer here comes over real HTTP from
 * server/http-server.ts, and is held against what the Next.js route module (the path these requests took before)
 * answers for the same request.
 */

const none = { params: Promise.resolve({}) };
const sale = (seat: string, name = "Beth Harmon") => ({ name, seat, movieId: 53, sessionId: 832 });

interface Sent {
  method?: string;
  path?: string;
  body?: string;
  cookie?: string;
  origin?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A server whose Next.js stand-in counts what reaches it: the fast path must leave it untouched. */
async function fastServer() {
  // Append-only, so that the session survives a restart of Redis.
  const redisServer = await startRedisServer({ appendonly: true });
  onTestFinished(() => redisServer.dispose());
  let reachedNext = 0;
  const started = await startTestApp(redisServer.url, {
    handler: (_req, res) => {
      reachedNext++;
      res.writeHead(404).end();
    },
  });
  withContext(started.redis, started.keys, { program: started.app.programCache });
  const host = new URL(started.url).host;
  const headersFor = (sent: Sent) => {
    const headers: Record<string, string> = { host, ...sent.headers };
    if (sent.cookie) headers.cookie = sent.cookie;
    if (sent.origin) headers.origin = sent.origin;
    if (sent.body !== undefined) headers["content-type"] = sent.contentType ?? "application/json";
    return headers;
  };
  /** Over HTTP to the custom server. */
  const fast = (sent: Sent) =>
    fetch(`${started.url}${sent.path ?? "/api/tickets"}`, {
      method: sent.method ?? (sent.body === undefined ? "GET" : "POST"),
      headers: headersFor(sent),
      body: sent.body,
    });
  /** Straight into the Next.js route module, as Next's handler calls it. */
  const viaNext = (sent: Sent) => {
    const method = sent.method ?? (sent.body === undefined ? "GET" : "POST");
    const request = new Request(`${started.url}${sent.path ?? "/api/tickets"}`, { method, headers: headersFor(sent), body: sent.body });
    return method === "GET" ? tickets.GET(request, none) : tickets.POST(request, none);
  };
  return { ...started, redisServer, fast, viaNext, reachedNext: () => reachedNext };
}

/** Status, JSON body and the headers a client acts on. */
async function answer(response: Response) {
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    contentType: response.headers.get("content-type"),
    cacheControl: response.headers.get("cache-control"),
    retryAfter: response.headers.get("retry-after"),
  };
}

/** A POST whose body arrives in pieces with no Content-Length, as `curl -T -` or a stream would send it. */
function chunkedUpload(url: string, cookie: string, chunks: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/tickets`,
      { method: "POST", headers: { cookie, "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (text: string) => (body += text));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // An error before the answer means the 413 was lost with the connection: that fails the test.
    req.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write("x".repeat(4096))) return void req.once("drain", pump);
      }
    };
    pump();
  });
}

describe("POST /api/tickets on the custom server's fast path", () => {
  it("sells with 201 and the new ids, answers the same seat again with the same 409 as the Next route, and never reaches Next", async () => {
    const { fast, viaNext, cookie, redis, keys, reachedNext } = await fastServer();

    const one = await answer(await fast({ body: JSON.stringify(sale("B11")), cookie }));
    expect(one).toMatchObject({ status: 201, contentType: "application/json", cacheControl: "no-store" });
    const id = one.body.id as string;
    const several = await answer(
      await fast({ body: JSON.stringify({ name: "The Wheelers", seats: ["C1", "C2"], movieId: 53, sessionId: 832 }), cookie }),
    );
    expect(several.status).toBe(201);
    const ids = several.body.ids as string[];
    expect(ids).toHaveLength(2);
    expect(await redis.xrange(keys.stream, "-", "+")).toEqual([
      [id, ["name", "Beth Harmon", "seat", "B11", "movieId", "53", "sessionId", "832", "soldBy", "ann"]],
      [ids[0], ["name", "The Wheelers", "seat", "C1", "movieId", "53", "sessionId", "832", "soldBy", "ann"]],
      [ids[1], ["name", "The Wheelers", "seat", "C2", "movieId", "53", "sessionId", "832", "soldBy", "ann"]],
    ]);
    // The Next route answers a sale the same way.
    expect(await answer(await viaNext({ body: JSON.stringify(sale("B12")), cookie }))).toMatchObject({
      status: 201,
      body: { id: expect.any(String) },
    });

    const again = { body: JSON.stringify(sale("B11", "Vasily Borgov")), cookie };
    const taken = await answer(await fast(again));
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: expect.stringMatching(/B11 is already sold/), field: "seat", holderId: id });
    expect(taken).toEqual(await answer(await viaNext(again)));
    expect(await redis.xlen(keys.stream)).toBe(4);
    expect(reachedNext()).toBe(0);
  });

  it.each([
    ["malformed JSON", "{name:", "application/json"],
    ["a wrong content type", JSON.stringify(sale("B11")), "text/plain"],
    ["a missing seat", JSON.stringify({ ...sale("B11"), seat: undefined }), "application/json"],
    ["a seat not in the plan", JSON.stringify(sale("Z99")), "application/json"],
    ["an array", "[]", "application/json"],
  ])("answers %s with the Next route's 400 and writes nothing", async (_what, body, contentType) => {
    const { fast, viaNext, cookie, redis, keys } = await fastServer();
    const refused = await answer(await fast({ body, contentType, cookie }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual(expect.any(String));
    expect(refused).toEqual(await answer(await viaNext({ body, contentType, cookie })));
    expect(await redis.exists(keys.stream)).toBe(0);
  });

  it("answers 413 for a body over 16 KB, declared or streamed without a length, and writes nothing", async () => {
    const { fast, viaNext, cookie, redis, keys, url } = await fastServer();
    const huge = { body: JSON.stringify({ ...sale("B11"), pad: "x".repeat(100_000) }), cookie };
    const declared = await answer(await fast(huge));
    expect(declared).toMatchObject({ status: 413, body: { error: "The body is larger than 16 KB; send less." } });
    expect(declared).toEqual(await answer(await viaNext(huge)));
    // 4 MB in 4 KB chunks: the answer comes once 16 KB have arrived.
    const streamed = await chunkedUpload(url, cookie, 1000);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual({ error: "The body is larger than 16 KB; send less." });
    expect(await redis.exists(keys.stream)).toBe(0);
  });

  it("answers 401 signed out, 403 to another site and to a password that must change, like the Next route", async () => {
    const { fast, viaNext, cookie, redis, keys, url } = await fastServer();
    const signedOut = { body: JSON.stringify(sale("B11")) };
    expect(await answer(await fast(signedOut))).toEqual({ ...(await answer(await viaNext(signedOut))), status: 401 });
    const forged = { body: JSON.stringify(sale("B11")), cookie: `${cookie.split("=")[0]}=forged.value` };
    expect((await answer(await fast(forged))).status).toBe(401);

    const crossSite = { body: JSON.stringify(sale("B11")), cookie, origin: "https://elsewhere.example" };
    const refused = await answer(await fast(crossSite));
    expect(refused).toMatchObject({ status: 403, body: { error: expect.stringMatching(/another site/) } });
    expect(refused).toEqual(await answer(await viaNext(crossSite)));
    // The app's own origin is fine.
    expect((await fast({ body: JSON.stringify(sale("B12")), cookie, origin: url })).status).toBe(201);

    await createStaff(redis, keys, "test", { username: "newbie", password: "newbie-password-1", role: "seller", mustChangePassword: true });
    const mustChange = { body: JSON.stringify(sale("B13")), cookie: await anotherSession(redis, keys, "newbie") };
    const blocked = await answer(await fast(mustChange));
    expect(blocked).toMatchObject({ status: 403, body: { error: expect.stringMatching(/Change your password/) } });
    expect(blocked).toEqual(await answer(await viaNext(mustChange)));
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it("answers 503 saying nothing was sold while Redis is down, and sells again once it is back", async () => {
    const { fast, viaNext, cookie, redisServer } = await fastServer();
    await redisServer.kill();
    const down = await answer(await fast({ body: JSON.stringify(sale("B11")), cookie }));
    expect(down).toMatchObject({ status: 503, retryAfter: "1", body: { error: expect.stringMatching(/nothing was sold/) } });
    expect(down).toEqual(await answer(await viaNext({ body: JSON.stringify(sale("B11")), cookie })));
    await redisServer.start();
    await expect
      .poll(async () => (await fast({ body: JSON.stringify(sale("B11")), cookie })).status, { timeout: 10_000, interval: 200 })
      .toBe(201);
  });

  it("echoes the request id, sends the security headers, and counts each answer in /metrics under the route's label", async () => {
    const { fast, cookie, url } = await fastServer();
    const sold = await fast({ body: JSON.stringify(sale("B11")), cookie, headers: { "x-request-id": "desk-42.sale:1" } });
    expect(sold.status).toBe(201);
    expect(sold.headers.get("x-request-id")).toBe("desk-42.sale:1");
    expect(sold.headers.get("x-content-type-options")).toBe("nosniff");
    expect(sold.headers.get("x-frame-options")).toBe("DENY");
    expect(sold.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    // An id that is not safe to echo is replaced by one of the server's own.
    const taken = await fast({ body: JSON.stringify(sale("B11")), cookie, headers: { "x-request-id": "bad id\twith tabs" } });
    expect(taken.status).toBe(409);
    expect(taken.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fast({ body: "{", cookie })).status).toBe(400);
    expect((await fast({ path: "/api/tickets?count=2", cookie })).status).toBe(200);

    const text = await (await fetch(`${url}/metrics`)).text();
    const sample = (series: string) =>
      Number(
        text
          .split("\n")
          .find((line) => line.startsWith(`${series} `))
          ?.split(" ")[1],
      );
    expect(sample('streamdesk_http_request_duration_seconds_count{method="POST",route="/api/tickets",status="201"}')).toBe(1);
    expect(sample('streamdesk_http_request_duration_seconds_count{method="POST",route="/api/tickets",status="409"}')).toBe(1);
    expect(sample('streamdesk_http_request_duration_seconds_count{method="GET",route="/api/tickets",status="200"}')).toBe(1);
    expect(sample('streamdesk_sales_total{outcome="sold"}')).toBe(1);
    expect(sample('streamdesk_sales_total{outcome="seat_taken"}')).toBe(1);
    expect(sample('streamdesk_sales_total{outcome="invalid"}')).toBe(1);
  });
});

describe("GET /api/tickets on the fast path", () => {
  it("pages history like the Next route, and refuses bad paging with its 400", async () => {
    const { fast, viaNext, cookie } = await fastServer();
    for (const seat of ["A1", "A2", "A3"]) expect((await fast({ body: JSON.stringify(sale(seat)), cookie })).status).toBe(201);
    const page = await answer(await fast({ path: "/api/tickets?count=2", cookie }));
    expect(page.status).toBe(200);
    expect((page.body.entries as { fields: { seat: string } }[]).map((entry) => entry.fields.seat)).toEqual(["A3", "A2"]);
    expect(page).toEqual(await answer(await viaNext({ path: "/api/tickets?count=2", cookie })));
    const older = await answer(await fast({ path: `/api/tickets?before=${String(page.body.next)}&count=2`, cookie }));
    expect((older.body.entries as { fields: { seat: string } }[]).map((entry) => entry.fields.seat)).toEqual(["A1"]);
    for (const bad of ["/api/tickets?count=0", "/api/tickets?before=1-0&after=1-0"]) {
      const refused = await answer(await fast({ path: bad, cookie }));
      expect(refused.status).toBe(400);
      expect(refused).toEqual(await answer(await viaNext({ path: bad, cookie })));
    }
    expect((await fast({ path: "/api/tickets" })).status).toBe(401);
  });
});
