import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startRedisServer } from "@/harness/redis-server";
import { BUILD_LIMIT_MS, ensureFreshBuild, startRealServer } from "./support/real-server";

beforeAll(ensureFreshBuild, BUILD_LIMIT_MS);

const ADMIN_PASSWORD = "headers-admin-password";

describe("the real process behind a proxy (TRUST_PROXY=1)", () => {
  it(
    "sends the security headers on a page, an API answer and /socket.io, and a Secure __Host- cookie when the proxy says HTTPS",
    { timeout: 60_000 },
    async () => {
      const redisServer = await startRedisServer();
      onTestFinished(() => redisServer.dispose());
      const { url } = await startRealServer(redisServer.url, { env: { STREAMDESK_ADMIN_PASSWORD: ADMIN_PASSWORD, TRUST_PROXY: "1" } });

      const page = await fetch(`${url}/login`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const api = await fetch(`${url}/api/health`);
      const socket = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
      for (const [name, response] of [
        ["page", page],
        ["API", api],
        ["socket.io", socket],
      ] as const) {
        const csp = response.headers.get("content-security-policy") ?? "";
        expect(csp, name).toContain("default-src 'self'");
        expect(csp, name).toContain("frame-ancestors 'none'");
        expect(
          csp.split("; ").find((d) => d.startsWith("script-src")),
          name,
        ).not.toContain("unsafe-inline");
        expect(response.headers.get("x-content-type-options"), name).toBe("nosniff");
        expect(response.headers.get("x-frame-options"), name).toBe("DENY");
        expect(response.headers.get("referrer-policy"), name).toBe("same-origin");
      }
      // The page's scripts run by its own nonce, which Next.js stamped on them.
      const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy") ?? "")?.[1];
      expect(nonce).toBeTruthy();
      expect(await page.text()).toContain(`nonce="${nonce}"`);

      const signIn = (headers: Record<string, string>) =>
        fetch(`${url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: url, ...headers },
          body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
        });
      const overHttps = await signIn({ "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9" });
      expect(overHttps.status).toBe(204);
      expect(overHttps.headers.get("set-cookie")).toMatch(
        /^__Host-streamdesk_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
      );
      expect(overHttps.headers.get("strict-transport-security")).toBe("max-age=31536000");
      const overHttp = await signIn({ "x-forwarded-proto": "http", "x-forwarded-for": "203.0.113.9" });
      expect(overHttp.headers.get("set-cookie")).toMatch(/^streamdesk_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      expect(overHttp.headers.get("strict-transport-security")).toBeNull();
      // The Secure cookie is the one that works over HTTPS.
      const cookie = overHttps.headers.get("set-cookie")!.split(";")[0]!;
      expect((await fetch(`${url}/api/session`, { headers: { cookie, "x-forwarded-proto": "https" } })).status).toBe(200);
    },
  );
});
