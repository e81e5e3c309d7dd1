/** How the bench presents itself to the server: the headers every request and socket carries. */
export interface Session {
  headers: Record<string, string>;
  /** What happened when signing in, for the results file. */
  note: string;
}

/**
 * Signs in as the supervisor the server was started with, so the bench keeps working once routes and
 * sockets require a session cookie. A build without `/api/session` yet (404) is benchmarked as it is.
 * The Origin header is the app's own: state-changing requests from elsewhere are refused.
 */
export async function signIn(url: string, password: string): Promise<Session> {
  const headers: Record<string, string> = { origin: url };
  let response: Response;
  try {
    response = await fetch(`${url}/api/session`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return { headers, note: `sign-in failed (${error instanceof Error ? error.message : String(error)}); no cookie` };
  }
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie().map((line) => line.split(";", 1)[0]!);
  if (response.ok && cookies.length > 0) {
    return { headers: { ...headers, cookie: cookies.join("; ") }, note: "signed in as admin" };
  }
  return { headers, note: `POST /api/session answered ${response.status}; no cookie` };
}
