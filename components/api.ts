"use client";

/** The outcome of an API call: the parsed body on success, or the server's sentence on failure. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T; headers: Headers }
  | { ok: false; status: number; error: string; field?: string; problems?: { path: string; message: string }[] };

/** Calls StreamDesk's JSON API; never throws, so every caller shows a sentence instead of a crash. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<ApiResult<T>> {
  try {
    const response = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: "no-store",
      signal: init.signal,
    });
    let read: unknown = {};
    if (response.status !== 204) {
      try {
        read = await response.json();
      } catch {
        // A server stopped mid-answer, or something other than StreamDesk answering: never pass that off as data.
        if (response.ok) return { ok: false, status: 0, error: "The server's answer was cut off. Check the connection and try again." };
      }
    }
    const body = read as T & { error?: string; field?: string; problems?: { path: string; message: string }[] };
    if (response.ok) return { ok: true, status: response.status, data: body, headers: response.headers };
    return {
      ok: false,
      status: response.status,
      error: body.error ?? `The server answered ${response.status}.`,
      field: body.field,
      // A programme import lists every problem, each with where it is.
      ...(Array.isArray(body.problems) ? { problems: body.problems } : {}),
    };
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") return { ok: false, status: 0, error: "Cancelled." };
    return { ok: false, status: 0, error: "The server could not be reached. Check the connection and try again." };
  }
}
