import { randomBytes } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** A fresh nonce for one page's inline scripts: Next.js reads it from the request's CSP header and stamps its own scripts with it. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy: scripts only from this origin or carrying this response's nonce (no
 * 'unsafe-inline'), connections only to this origin (which includes its own ws:/wss:).
 */
export function contentSecurityPolicy(nonce: string | undefined, dev: boolean): string {
  return [
    "default-src 'self'",
    // Development evaluates modules for hot reload.
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ""}${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** True when the browser reached this server over HTTPS: TLS here, or at a proxy that says so. */
export function overHttps(req: IncomingMessage): boolean {
  const forwarded = req.headers["x-forwarded-proto"];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return (req.socket as { encrypted?: boolean }).encrypted === true || proto === "https";
}

/** The headers every response carries, pages, API answers and /socket.io alike. */
export function securityHeaders(req: IncomingMessage, dev: boolean, nonce?: string): OutgoingHttpHeaders {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, dev),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    // Browsers honour HSTS only over HTTPS; sent there alone, it never locks a plain-HTTP desk out.
    ...(overHttps(req) ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
  };
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, dev: boolean, nonce?: string): void {
  for (const [name, value] of Object.entries(securityHeaders(req, dev, nonce))) res.setHeader(name, value!);
}
