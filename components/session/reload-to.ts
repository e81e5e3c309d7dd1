"use client";

import { sameOriginUrl } from "@/lib/safe-redirect";

/**
 * A full page load, on purpose: after signing in or out the layout must read the new session on the
 * server, and the live link must reconnect with the new cookie.
 */
export function reloadTo(path: string): void {
  // Every caller means a page of this site; whatever a URL parameter slipped in must not leave it.
  window.location.href = sameOriginUrl(path, window.location.origin) ?? "/";
}
