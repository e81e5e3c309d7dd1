import type { ServerResponse } from "node:http";

/** Headers every response carries: a CSP that fits Next.js, no framing, no MIME sniffing, a tight referrer. */
export function setSecurityHeaders(res: ServerResponse, dev: boolean): void {
  const csp = [
    "default-src 'self'",
    // Next.js inlines its bootstrap scripts; development also evaluates modules for hot reload.
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "same-origin");
}
