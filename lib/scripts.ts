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
