import { describe, expect, it } from "vitest";
import * as session from "@/app/api/session/route";
import { createStaff } from "@/lib/staff";
import { redisFixture } from "./support/context";
import { config, request, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };
let address = 0;

/** POST /api/session as the server hands it on, each from another address so no per-address limit joins in. */
const signIn = (username: string, password: string) =>
  session.POST(
    new Request("http://desk/api/session", {
      method: "POST",
      body: JSON.stringify({ username, password }),
      headers: {
        "content-type": "application/json",
        host: "desk",
        "x-streamdesk-remote-address": `10.20.${address >> 8}.${++address & 255}`,
      },
    }),
    none,
  );

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sessions", () => {
  it("slide: a session in use outlives its idle limit; left idle past it, it ends", async () => {
    const { redis, keys } = await redisFixture();
    // SESSION_IDLE_MINUTES counts in minutes; two seconds here, so the test can outlast it.
    withContext(redis, keys, { config: { ...config, sessionIdleSeconds: 2 } });
    await createStaff(redis, keys, "test", { username: "ann", password: "ann-password-1", role: "seller", mustChangePassword: false });
    const signedIn = await signIn("ann", "ann-password-1");
    expect(signedIn.status).toBe(204);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    const me = async () => (await session.GET(request("/api/session", { cookie }), none)).status;

    const began = Date.now();
    while (Date.now() - began < 3500) {
      await sleep(500);
      expect(await me(), `${Date.now() - began} ms after sign-in`).toBe(200);
    }
    await sleep(2600);
    expect(await me()).toBe(401);
  });
});

describe("a wrong username", () => {
  it(
    "takes as long to refuse as a wrong password (medians of interleaved tries, within a factor of 2.5)",
    { timeout: 60_000 },
    async () => {
      const { redis, keys } = await redisFixture();
      withContext(redis, keys);
      const tries = 15;
      // One account per wrong-password try: a username's own delay after 5 failures must not join in.
      for (let i = 0; i < tries + 1; i++) {
        await createStaff(redis, keys, "test", {
          username: `staff-${i}`,
          password: `right-password-${i}`,
          role: "seller",
          mustChangePassword: false,
        });
      }
      const timed = async (username: string, password: string) => {
        const began = performance.now();
        const response = await signIn(username, password);
        expect(response.status).toBe(401);
        return performance.now() - began;
      };
      // Once each first: the first unknown name pays for making the decoy hash.
      await timed("nobody-warm", "wrong-password-1");
      await timed(`staff-${tries}`, "wrong-password-1");
      const unknownName: number[] = [];
      const wrongPassword: number[] = [];
      for (let i = 0; i < tries; i++) {
        unknownName.push(await timed(`nobody-${i}`, "wrong-password-1"));
        wrongPassword.push(await timed(`staff-${i}`, "wrong-password-1"));
      }
      const ratio = median(unknownName) / median(wrongPassword);
      const figures = `unknown name ${median(unknownName).toFixed(1)} ms, wrong password ${median(wrongPassword).toFixed(1)} ms`;
      expect(ratio, figures).toBeGreaterThan(1 / 2.5);
      expect(ratio, figures).toBeLessThan(2.5);
    },
  );
});
