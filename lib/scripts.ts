/**
 * Sells one seat atomically: refuses when the seat hash already names a holder, otherwise appends the
 * entry and records the seat, so no reader ever sees one without the other.
 * KEYS: stream, seats hash. ARGV: seat, then the entry's field/value pairs.
 * Returns {1, newId} on success, {0, holderId} when the seat is taken.
 */
export const SELL_TICKET = `
local holder = redis.call('HGET', KEYS[2], ARGV[1])
if holder then return {0, holder} end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('HSET', KEYS[2], ARGV[1], id)
return {1, id}
`;

/**
 * Records the seats of entries that other programs appended, first writer wins, and reports the ids
 * whose seat is held by a different entry (double bookings). Idempotent, so every instance may run it.
 * KEYS: the seat hashes of the batch. ARGV: triples of (index into KEYS, seat, entry id).
 */
export const INDEX_SEATS = `
local doubled = {}
for i = 1, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  local seat, id = ARGV[i + 1], ARGV[i + 2]
  if redis.call('HSETNX', key, seat, id) == 0 and redis.call('HGET', key, seat) ~= id then
    doubled[#doubled + 1] = id
  end
end
return doubled
`;

/**
 * Moves dead letters: for each id still pending in the group with at least ARGV[2] deliveries, copies the
 * entry to the dead-letter stream with its original id, group, consumer and delivery count, then XACKs it.
 * The check and the move are one step, so concurrent calls never copy a message twice or lose one.
 * KEYS: stream, dead-letter stream. ARGV: group, minimum deliveries, ids…
 * Returns the ids moved.
 */
export const MOVE_DEAD_LETTERS = `
local group, min = ARGV[1], tonumber(ARGV[2])
local moved = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local info = redis.call('XPENDING', KEYS[1], group, 'IDLE', 0, id, id, 1)[1]
  if info and tonumber(info[4]) >= min then
    local fields = {'originalId', id, 'group', group, 'consumer', info[2], 'deliveries', tostring(info[4])}
    local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
    if entry then
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
return moved
`;
