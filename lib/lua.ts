/**
 * Lua helper shared by every script that appends to the tickets stream: XADD with the retention policy
 * (TICKETS_RETENTION) applied on write. `kind` is "" (keep everything), "MAXLEN" (value: entries) or
 * "MINID" (value: age in ms, measured against Redis's own clock, the one that stamps the ids). Trimming is
 * approximate (`~`), so Redis only drops whole internal nodes and the write stays O(1).
 */
const TRIMMED_XADD = `
local function trimmed_xadd(stream, kind, value, fields)
  if kind == 'MAXLEN' then
    return redis.call('XADD', stream, 'MAXLEN', '~', value, '*', unpack(fields))
  elseif kind == 'MINID' then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    return redis.call('XADD', stream, 'MINID', '~', string.format('%.0f', math.max(0, now - tonumber(value))), '*', unpack(fields))
  end
  return redis.call('XADD', stream, '*', unpack(fields))
end
`;

/**
 * Sells one or more seats of one screening atomically: all or nothing. Refuses when the programme changed
 * since the caller validated the seats against it (so a seat plan or a showing can never change between
 * the check and the write), or when any seat already has a holder (naming every one). Otherwise appends
 * one plain entry per seat (name, seat, movieId, sessionId) (trimming the stream by the retention policy), records each
 * seat and the screening, so no reader ever sees one without the other.
 * KEYS: stream, seats hash, screenings set, programme hash.
 * ARGV: programme version the sale was checked against ("" skips the check), n, n seats, screening
 * ("movieId:sessionId"), trim kind, trim value, name, movieId, sessionId, then extra field/value pairs.
 * Returns {1, id…} on success, {0, seat, holder, seat, holder…} when seats are taken, {2, version} when the
 * programme changed.
 */
export const SELL_SEATS = `${TRIMMED_XADD}
local n = tonumber(ARGV[2])
if ARGV[1] ~= '' then
  local version = redis.call('HGET', KEYS[4], 'version') or '0'
  if version ~= ARGV[1] then return {2, version} end
end
local taken = {0}
for i = 3, 2 + n do
  local holder = redis.call('HGET', KEYS[2], ARGV[i])
  if holder then
    taken[#taken + 1] = ARGV[i]
    taken[#taken + 1] = holder
  end
end
if #taken > 1 then return taken end
local base = 2 + n
local extras = {}
for i = base + 7, #ARGV do extras[#extras + 1] = ARGV[i] end
local ids = {1}
for i = 3, 2 + n do
  local fields = {'name', ARGV[base + 4], 'seat', ARGV[i], 'movieId', ARGV[base + 5], 'sessionId', ARGV[base + 6]}
  for _, v in ipairs(extras) do fields[#fields + 1] = v end
  local id = trimmed_xadd(KEYS[1], ARGV[base + 2], ARGV[base + 3], fields)
  redis.call('HSET', KEYS[2], ARGV[i], id)
  ids[#ids + 1] = id
end
redis.call('SADD', KEYS[3], ARGV[base + 1])
return ids
`;

/**
 * Replaces the programme document, with its audit entry, when nobody changed it since the caller read it
 * and no seat the change would strand is sold. The caller validated the new document; this script makes
 * the "no sales" part of that check atomic with the write (a sale racing the change either lands first and
 * is seen here, or finds the version moved and is checked again).
 * KEYS: programme hash (fields `doc`, `version`), audit stream, then K seat hashes.
 * ARGV: expected version, new document (JSON), K, K specs ("*": the hash must be empty; "=" and a comma
 * list: the only seats that may be sold, as in a hall's plan), then the audit entry's field/value pairs.
 * Returns {1, newVersion}; {0, version} when the programme moved on; {2, i, seat} when seat hash i holds a
 * sale its spec does not allow (seat is "" for a hash that must be empty).
 */
export const WRITE_PROGRAM = `
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then return {0, version} end
local k = tonumber(ARGV[3])
for i = 1, k do
  local spec, seats = ARGV[3 + i], KEYS[2 + i]
  if spec == '*' then
    if redis.call('HLEN', seats) > 0 then return {2, i, ''} end
  else
    local allowed = {}
    for seat in string.gmatch(string.sub(spec, 2), '[^,]+') do allowed[seat] = true end
    for _, seat in ipairs(redis.call('HKEYS', seats)) do
      if not allowed[seat] then return {2, i, seat} end
    end
  end
end
local next = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'doc', ARGV[2])
local fields = {}
for i = 4 + k, #ARGV do fields[#fields + 1] = ARGV[i] end
fields[#fields + 1] = 'result'
fields[#fields + 1] = tostring(next)
redis.call('XADD', KEYS[2], '*', unpack(fields))
return {1, tostring(next)}
`;

/**
 * Refunds one sale atomically. Checks that the entry exists and is a sale (no `type`, or `type` = sale),
 * that no refund is recorded for it yet, appends the refund entry (`type refund` first, so a consumer
 * can tell at once), records it in the refunds hash, frees the seat only when the seat hash still names
 * this sale (a resale after a double booking or an earlier refund keeps its seat), and appends the audit
 * entry. A sale and a refund of the same seat are each one script, so they never interleave.
 * KEYS: stream, refunds hash, seats hash, audit stream. ARGV: sale id, actor, seat, trim kind, trim value.
 * Returns {1, refundId}; {0, ""} when there is no such sale; {2, refundId} when it was already refunded.
 */
export const REFUND_TICKET = `${TRIMMED_XADD}
local sale = ARGV[1]
local entry = redis.call('XRANGE', KEYS[1], sale, sale)[1]
if not entry then return {0, ''} end
local f = {}
for i = 1, #entry[2], 2 do f[entry[2][i]] = entry[2][i + 1] end
if f.type and f.type ~= 'sale' then return {0, ''} end
local prior = redis.call('HGET', KEYS[2], sale)
if prior then return {2, prior} end
local movie, session = f.movieId or '', f.sessionId or ''
local id = trimmed_xadd(KEYS[1], ARGV[4], ARGV[5], {'type', 'refund', 'refundOf', sale, 'name', f.name or '',
  'seat', f.seat or '', 'movieId', movie, 'sessionId', session, 'refundedBy', ARGV[2]})
redis.call('HSET', KEYS[2], sale, id)
local freed = '0'
if redis.call('HGET', KEYS[3], ARGV[3]) == sale then
  redis.call('HDEL', KEYS[3], ARGV[3])
  freed = '1'
end
redis.call('XADD', KEYS[4], '*', 'actor', ARGV[2], 'action', 'ticket.refund', 'target', sale, 'refundId', id,
  'seat', ARGV[3], 'movieId', movie, 'sessionId', session, 'seatFreed', freed, 'result', id)
return {1, id}
`;

/**
 * The feed's indexer, run by every instance on every batch it reads (and on the catch-up pages before
 * its first live read). Idempotent for seats and screenings, exactly-once for the sales counters:
 * - a sale records its seat, first entry wins, unless the sale was refunded; a sale whose seat another
 *   entry holds is reported as a double booking. A refund never claims a seat: it records itself in the
 *   refunds hash (when no refund is recorded for that sale yet) and frees the seat if it still names the
 *   refunded sale, so refunds appended by other programs work too;
 * - every screening is added to the screenings set;
 * - counters: only entries newer than the stored cursor are counted, into per-minute and per-hour hashes
 *   that expire (buckets already past their expiry are not counted), then the cursor moves to the last id
 *   of the batch. Why this counts each entry once across any number of instances: the cursor only moves
 *   forward, and an instance's batches are contiguous (each starts right after the last id that instance
 *   indexed, which the cursor has already passed). So when a script moves the cursor from c to its last
 *   id, every entry in between was in its own batch and counted by it, in one atomic step; an instance
 *   that comes later with an overlapping batch skips everything up to the cursor.
 * KEYS: screenings set, stats cursor, refunds hash, then S seat hashes, then B counter hashes.
 * ARGV: S, B, id of the batch's last entry, S screenings ("movieId:sessionId", one per seat hash), B expiry
 * times (ms), then one value holding a line per sale or refund, with 9 values separated by spaces: id,
 * "sale" | "refund", seat hash index (1-based), seat, refunded sale id (or "-"), minute hash index, minute
 * start (ms), hour hash index, hour start (ms).
 * Returns the ids of sales that double-book a seat.
 */
export const INDEX_ENTRIES = `
local S, B = tonumber(ARGV[1]), tonumber(ARGV[2])
local function newer(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am > #bm end
  if am ~= bm then return am > bm end
  if #as ~= #bs then return #as > #bs end
  return as > bs
end
-- In slices: unpack refuses more than a few thousand values at once.
for first = 4, 3 + S, 1000 do redis.call('SADD', KEYS[1], unpack(ARGV, first, math.min(first + 999, 3 + S))) end
local cursor = redis.call('GET', KEYS[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expires = {}
for j = 1, B do expires[j] = tonumber(ARGV[3 + S + j]) end
local counts = {}
local doubled = {}
for line in string.gmatch(ARGV[4 + S + B], '[^\\n]+') do
  local id, kind, s, seat, of, mi, mf, hi, hf =
    string.match(line, '^(%S+) (%a+) (%d+) (%S+) (%S+) (%d+) (%d+) (%d+) (%d+)$')
  local seats = KEYS[3 + tonumber(s)]
  if kind == 'sale' then
    if redis.call('HEXISTS', KEYS[3], id) == 0 and redis.call('HSETNX', seats, seat, id) == 0
        and redis.call('HGET', seats, seat) ~= id then
      doubled[#doubled + 1] = id
    end
  else
    if redis.call('HSETNX', KEYS[3], of, id) == 1 and redis.call('HGET', seats, seat) == of then
      redis.call('HDEL', seats, seat)
    end
  end
  if not cursor or newer(id, cursor) then
    local suffix = kind == 'sale' and ':sales' or ':refunds'
    for _, bucket in ipairs({{mi, mf}, {hi, hf}}) do
      local b = tonumber(bucket[1])
      if expires[b] > now then
        counts[b] = counts[b] or {}
        local field = bucket[2] .. suffix
        counts[b][field] = (counts[b][field] or 0) + 1
      end
    end
  end
end
for b, fields in pairs(counts) do
  local key = KEYS[3 + S + b]
  for field, n in pairs(fields) do redis.call('HINCRBY', key, field, n) end
  redis.call('PEXPIREAT', key, expires[b])
end
if not cursor or newer(ARGV[3], cursor) then redis.call('SET', KEYS[2], ARGV[3]) end
return doubled
`;

/**
 * Reads up to ARGV[3] entries of a stream, oldest first, from ARGV[1] to ARGV[2] (`XRANGE`'s own bounds,
 * `(id` for exclusive), and returns them as one JSON string, `[[id, [field, value, …]], …]`: the shape
 * of an `XRANGE` reply, which `JSON.parse` turns back into it. The feed loop reads busy stretches of the
 * stream this way because ioredis 6's reply decoder costs the server about 13 µs of CPU per entry of a
 * plain `XRANGE` reply (one bulk string per id, field and value), against about 2 µs to parse the same
 * entries as one string; Redis spends about 3 µs more per entry on it (see bench/README.md). Values go
 * through byte for byte: cjson escapes quotes, backslashes and control characters and leaves other bytes
 * as they are, so a value decodes to the same string either way.
 * KEYS: stream. ARGV: start, end, count.
 */
export const RANGE_JSON = `
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
if #entries == 0 then return '[]' end
return cjson.encode(entries)
`;

/**
 * Moves dead letters: for each id still pending in the group with at least ARGV[2] deliveries, copies the
 * entry to the dead-letter stream with its original id, group, consumer and delivery count (an entry of
 * over 1,000 fields as one `fieldsJson` field, a flat JSON list), then XACKs it,
 * and records the move in the audit stream. The check and the move are one step, so concurrent calls
 * never copy a message twice or lose one.
 * KEYS: stream, dead-letter stream, audit stream. ARGV: group, minimum deliveries, actor, reason ("" for
 * none; a worker names why it gave up, and the dead letter carries it as `reason`), ids…
 * Returns the ids moved.
 */
export const MOVE_DEAD_LETTERS = `
local group, min = ARGV[1], tonumber(ARGV[2])
local moved = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local info = redis.call('XPENDING', KEYS[1], group, 'IDLE', 0, id, id, 1)[1]
  if info and tonumber(info[4]) >= min then
    local fields = {'originalId', id, 'group', group, 'consumer', info[2], 'deliveries', tostring(info[4])}
    if ARGV[4] ~= '' then
      fields[#fields + 1] = 'reason'
      fields[#fields + 1] = ARGV[4]
    end
    local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
    if entry and #entry[2] > 2000 then
      -- unpack() cannot pass thousands of values to XADD: keep such an entry whole, as one JSON field.
      fields[#fields + 1] = 'fieldsJson'
      fields[#fields + 1] = cjson.encode(entry[2])
    elseif entry then
      for _, v in ipairs(entry[2]) do fields[#fields + 1] = v end
    else
      fields[#fields + 1] = 'deletedFromStream'
      fields[#fields + 1] = '1'
    end
    redis.call('XADD', KEYS[2], '*', unpack(fields))
    redis.call('XACK', KEYS[1], group, id)
    moved[#moved + 1] = id
  end
end
if #moved > 0 then
  redis.call('XADD', KEYS[3], '*', 'actor', ARGV[3], 'action', 'group.dead-letter', 'target', group,
    'result', tostring(#moved), 'ids', table.concat(moved, ','))
end
return moved
`;

/**
 * Runs one change and records it in the audit stream in the same atomic step. When the command fails
 * (NOGROUP, BUSYGROUP…) the script stops before the audit entry, so the trail lists only what happened.
 * KEYS: the key the command changes, the audit stream.
 * ARGV: summary ("count" | "autoclaim" | "read"), n, the command's n words, then the audit entry's field/value pairs.
 * Returns the command's own reply.
 */
export const AUDITED = `
local n = tonumber(ARGV[2])
local command = {}
for i = 3, 2 + n do command[#command + 1] = ARGV[i] end
local reply = redis.call(unpack(command))
local result
if not reply then result = 0
elseif type(reply) == 'table' and reply.ok then result = reply.ok
elseif ARGV[1] == 'autoclaim' then result = #reply[2]
elseif ARGV[1] == 'read' then result = #reply[1][2]
elseif type(reply) == 'table' then result = #reply
else result = reply end
local fields = {}
for i = 3 + n, #ARGV do fields[#fields + 1] = ARGV[i] end
fields[#fields + 1] = 'result'
fields[#fields + 1] = tostring(result)
redis.call('XADD', KEYS[2], '*', unpack(fields))
return reply
`;

/**
 * Creates a staff account unless the username is taken, and audits it, atomically.
 * KEYS: staff hash, staff index, audit stream. ARGV: username, then the account's field/value count and
 * pairs, then the audit entry's field/value pairs. Returns 1 when created, 0 when the name was taken.
 */
export const CREATE_STAFF = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = tonumber(ARGV[2])
local account = {}
for i = 3, 2 + n do account[#account + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(account))
redis.call('SADD', KEYS[2], ARGV[1])
local fields = {}
for i = 3 + n, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[3], '*', unpack(fields))
return 1
`;

/**
 * Starts one password check (sign-in or password change): refuses it without writing anything when the
 * address bucket already used its attempts in the window, else counts it against the address (fixed
 * window) and the username (sliding window, so an attack keeps the delay up). Counting before the check
 * makes checks running at once count too; a correct password is taken back by {@link SIGN_IN_SUCCEEDED}.
 * KEYS: address counter, username counter. ARGV: address limit, window in ms.
 * Returns {0, ms until the address may try again} or {1, attempts from the address before this one,
 * attempts for the username before this one}.
 */
export const SIGN_IN_BEGIN = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
local failures = redis.call('INCR', KEYS[2]) - 1
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {1, used, failures}
`;

/**
 * A password check succeeded: the username's failures are forgotten and the attempt is taken back from
 * the address, so a correct password never counts. KEYS: address counter, username counter.
 */
export const SIGN_IN_SUCCEEDED = `
redis.call('DEL', KEYS[2])
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;

/**
 * The accounting worker's step for one batch: counts each entry at most once, however often it is
 * delivered. An entry is counted only when ZADD NX adds its id to the seen set, in the same atomic step as
 * the counts move, so a worker killed after the script but before XACK, whose entries another worker then
 * claims, changes nothing the second time. The set is scored by each id's milliseconds and loses the ids
 * older than the stream's first entry at every batch: those entries were trimmed away, so no claim, no
 * pending re-read and no group created again from `0` can deliver them with their fields again, and the
 * set stays as long as the stream's retention allows rather than growing for ever. A sale adds one seat
 * and its price; a refund takes one seat off and the refunded sale's price (read here from the stream:
 * refund entries carry no price), to the screening's and the day's figures.
 * KEYS: seen set, screenings set, stream, then per entry its screening hash and day hash.
 * ARGV: per entry, 4 values: id, "sale" | "refund", screening ("movieId:sessionId"), price in cents for a
 * sale ("" when unknown) or the refunded sale's id for a refund.
 * Returns how many entries were counted now (the rest were counted before).
 */
export const RECORD_ACCOUNTING = `
local counted = 0
local first = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)[1]
if first then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.match(first[1], '^%d+'))
end
for i = 1, #ARGV, 4 do
  local id, kind, screening, extra = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call('ZADD', KEYS[1], 'NX', string.match(id, '^%d+'), id) == 1 then
    local n = (i - 1) / 4
    local seats, takings, tally = 1, tonumber(extra) or 0, 'sales'
    if kind == 'refund' then
      local sale = extra ~= '' and redis.call('XRANGE', KEYS[3], extra, extra)[1]
      local price = 0
      if sale then
        for j = 1, #sale[2], 2 do
          if sale[2][j] == 'price' then price = tonumber(sale[2][j + 1]) or 0 end
        end
      end
      seats, takings, tally = -1, -price, 'refunds'
    end
    for _, key in ipairs({KEYS[4 + 2 * n], KEYS[5 + 2 * n]}) do
      redis.call('HINCRBY', key, 'seats', seats)
      redis.call('HINCRBY', key, 'takings', math.floor(takings))
      redis.call('HINCRBY', key, tally, 1)
    end
    redis.call('SADD', KEYS[2], screening)
    counted = counted + 1
  end
end
return counted
`;
