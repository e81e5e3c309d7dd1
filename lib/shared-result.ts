/**
 * Runs `load` at most once per `ttlMs` for each key and hands every caller in between the same answer, so
 * a figure every open tab polls costs one computation per instance, not one per tab. A failure is not kept.
 */
export function sharedFor<K, T>(ttlMs: number, load: (key: K) => Promise<T>): (key: K, id: string) => Promise<T> {
  const results = new Map<string, { at: number; value: Promise<T> }>();
  return (key, id) => {
    const now = performance.now();
    const held = results.get(id);
    if (held && now - held.at < ttlMs) return held.value;
    const value = load(key);
    results.set(id, { at: now, value });
    value.catch(() => results.delete(id));
    // Old keys (another stream, in tests) must not pile up.
    for (const [other, entry] of results) if (now - entry.at >= ttlMs && other !== id) results.delete(other);
    return value;
  };
}
