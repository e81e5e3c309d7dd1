"use client";

/**
 * A full page load, on purpose: after signing in or out the layout must read the new session on the
 * server, and the live link must reconnect with the new cookie.
 */
export function reloadTo(path: string): void {
  window.location.href = path;
}
