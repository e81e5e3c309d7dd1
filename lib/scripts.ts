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
 * entry to the dead-letter stream with its original id, group, consumer and delivery count, then XACKs it,
 * and records the move in the audit stream. The check and the move are one step, so concurrent calls
 * never copy a message twice or lose one.
 * KEYS: stream, dead-letter stream, audit stream. ARGV: group, minimum deliveries, actor, ids…
 * Returns the ids moved.
 */
export const MOVE_DEAD_LETTERS = `
local group, min = ARGV[1], tonumber(ARGV[2])
local moved = {}
for i = 4, #ARGV do
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
