import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";

/** One screening that has sold at least once: seats held now, out of its hall's capacity (the default plan's outside the programme). */
export interface ScreeningSummary {
  movieId: string;
  sessionId: string;
  sold: number;
  capacity: number;
}

const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every screening in the screenings set (kept by the sale script and the feed indexer, so no SCAN, which
 * would miss keys on Redis Cluster), with the seats held now, sorted by movie then session, numerically.
 * Two round trips whatever the number of screenings.
 */
export async function listScreenings(
  redis: RedisClient,
  keys: StreamKeys,
  capacity: (movieId: string, sessionId: string) => number,
): Promise<ScreeningSummary[]> {
  const members = await guard(redis.smembers(keys.screenings));
  const screenings = members
    .map((member) => {
      const [movieId = "", sessionId = ""] = member.split(":");
      return { movieId, sessionId };
    })
    .filter(({ movieId, sessionId }) => /^\d+$/.test(movieId) && /^\d+$/.test(sessionId))
    .sort((a, b) => byNumber(a.movieId, b.movieId) || byNumber(a.sessionId, b.sessionId));
  if (screenings.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const { movieId, sessionId } of screenings) pipeline.hlen(keys.seats(movieId, sessionId));
  const replies = (await guard(pipeline.exec())) ?? [];
  return screenings.map((screening, i) => {
    const [error, sold] = replies[i] ?? [null, 0];
    if (error) throw error;
    return { ...screening, sold: Number(sold), capacity: capacity(screening.movieId, screening.sessionId) };
  });
}
