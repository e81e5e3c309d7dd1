/**
 * Every key that belongs to one tickets stream. Derived keys carry the stream's hash tag, so on Redis
 * Cluster they live in the stream's slot and one Lua script may touch the stream and its seats together.
 */
export interface StreamKeys {
  stream: string;
  /** Hash of seat → id of the entry holding it, for one movie + session. */
  seats(movieId: string, sessionId: string): string;
  /** Hash of sale id → id of the refund entry that refunded it. */
  refunds: string;
  /** Set of every screening ever sold, as "movieId:sessionId", so listing them never needs SCAN. */
  screenings: string;
  /** Id of the newest entry the sales counters have counted. */
  statsCursor: string;
  /** Hash of per-minute counters for the UTC hour starting at `hourStartMs` (fields `<minuteStartMs>:sales`, `…:refunds`). */
  statsMinutes(hourStartMs: number): string;
  /** Hash of per-hour counters for the UTC day starting at `dayStartMs` (fields `<hourStartMs>:sales`, `…:refunds`). */
  statsHours(dayStartMs: number): string;
  /** Hash holding the programme (films, halls, showings) as one JSON `doc`, and its `version`. */
  program: string;
  /** Dead letters moved out of the stream's consumer groups. */
  dead: string;
  /** Who did what: one entry per change made through StreamDesk. */
  audit: string;
  /** Set of every staff username. */
  staffIndex: string;
  /** Hash of one staff account: role, password hash, disabled, mustChange. */
  staff(username: string): string;
  /** Hash of one signed-in session, expiring when idle. */
  session(id: string): string;
  /** Set of a person's session ids, so disabling the account ends every one of them. */
  userSessions(username: string): string;
  /** How many searches and exports a person is running now. */
  scanSlots(username: string): string;
  /** Sign-in attempt counters, per username and per address. */
  signinAttempts(kind: "user" | "ip", value: string): string;
  /**
   * Sorted set of the entry ids the accounting worker has counted (scored by the id's ms), so a redelivered
   * entry is never counted twice; ids older than the stream's first entry are dropped (see RECORD_ACCOUNTING).
   * Not the `accounting:seen` set of earlier versions, whose type differs.
   */
  accountingSeen: string;
  /** Set of every screening the accounting worker counted, as "movieId:sessionId". */
  accountingScreenings: string;
  /** Hash of one screening's figures: `seats` (sold minus refunded) and `takings` (cents). */
  accountingScreening(movieId: string, sessionId: string): string;
  /** Hash of one UTC day's figures (`seats`, `takings`, `sales`, `refunds`), `day` as YYYY-MM-DD. */
  accountingDay(day: string): string;
  /** Hash of entry id → when its ticket was printed (ms), written by the tickets worker. */
  ticketsPrinted: string;
  /** Pub/sub channel (not a key) on which instances tell each other which sessions ended, to close their sockets. */
  sessionsEnded: string;
}

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf("{");
  if (open !== -1) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/** Builds the key set for a stream such as `tickets` (seats then live at `{tickets}:seats:53:832`). */
export function streamKeys(stream: string): StreamKeys {
  const tag = `{${hashTag(stream)}}`;
  return {
    stream,
    seats: (movieId, sessionId) => `${tag}:seats:${movieId}:${sessionId}`,
    refunds: `${tag}:refunds`,
    screenings: `${tag}:screenings`,
    statsCursor: `${tag}:stats:cursor`,
    statsMinutes: (hourStartMs) => `${tag}:stats:minutes:${hourStartMs}`,
    statsHours: (dayStartMs) => `${tag}:stats:hours:${dayStartMs}`,
    program: `${tag}:program`,
    dead: `${tag}:dead`,
    audit: `${tag}:audit`,
    staffIndex: `${tag}:staff`,
    staff: (username) => `${tag}:staff:${username}`,
    session: (id) => `${tag}:session:${id}`,
    userSessions: (username) => `${tag}:sessions:${username}`,
    scanSlots: (username) => `${tag}:scans:${username}`,
    signinAttempts: (kind, value) => `${tag}:signin:${kind}:${value}`,
    accountingSeen: `${tag}:accounting:counted`,
    accountingScreenings: `${tag}:accounting:screenings`,
    accountingScreening: (movieId, sessionId) => `${tag}:accounting:screening:${movieId}:${sessionId}`,
    accountingDay: (day) => `${tag}:accounting:day:${day}`,
    ticketsPrinted: `${tag}:tickets:printed`,
    sessionsEnded: `${tag}:channel:sessions-ended`,
  };
}
