/**
 * `next` resolved the way the browser will resolve it against `origin`, as an absolute URL, when it stays
 * on that origin; null otherwise. Prefix checks on the raw text are not enough: browsers read "/\evil.com"
 * and "/<tab>/evil.com" as "//evil.com", another host. The absolute URL is returned (not a path) because a
 * same-origin path such as "/.//evil.com" normalizes to "//evil.com", which would leave the site if used
 * as a path again.
 */
export function sameOriginUrl(next: string | null | undefined, origin: string): string | null {
  if (next === null || next === undefined || next === "") return null;
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(next, base);
  } catch {
    return null;
  }
  if (target.origin !== base.origin || target.origin === "null") return null;
  target.username = "";
  target.password = "";
  return target.href;
}

/** Where the sign-in page sends a person: `next` when it is on this site and not the sign-in page itself, else home. */
export function afterSignInUrl(next: string | null | undefined, origin: string): string {
  const target = sameOriginUrl(next, origin);
  const home = new URL("/", origin).href;
  if (!target) return home;
  return /^\/login(\/|$)/.test(new URL(target).pathname) ? home : target;
}

/** A request path that a sign-in may send the person back to: itself when it stays on the site, else "/". */
export function returnPath(path: string): string {
  // Any origin does: only whether the path can leave it matters.
  return sameOriginUrl(path, "http://streamdesk.invalid") ? path : "/";
}
