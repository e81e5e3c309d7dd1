/** A Redis stream id, `<ms>-<seq>`. */
export type StreamId = string;

const ID = /^(\d{1,20})-(\d{1,20})$/;

const MAX_PART = 2n ** 64n - 1n;

/** True for a complete stream id such as `1700000000000-0` whose parts Redis can hold (each below 2^64). */
export function isStreamId(value: string): boolean {
  const match = ID.exec(value);
  return !!match && BigInt(match[1]!) <= MAX_PART && BigInt(match[2]!) <= MAX_PART;
}

function parts(id: StreamId): [bigint, bigint] {
  const match = ID.exec(id);
  if (!match) throw new TypeError(`not a stream id: ${id}`);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

/** Orders two stream ids the way Redis does: negative when `a` comes first. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a === b) return 0;
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The millisecond part of an id, without BigInt: cheap enough to run for every entry of the feed. */
export function idMs(id: StreamId): number {
  const dash = id.indexOf("-");
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** The wall-clock time Redis stamped into an auto-generated id. */
export function idTime(id: StreamId): Date {
  return new Date(Number(parts(id)[0]));
}
