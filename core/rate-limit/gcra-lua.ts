/**
 * `gcraDecide` (gcra.ts) as a Redis script, step for step, so one EVALSHA decides
 * every window atomically. Time comes from the Redis server: replicas with skewed
 * clocks then agree on every TAT.
 *
 * KEYS[1]  the principal's hash; one field per window name holding its TAT as "ms:frac"
 * ARGV[1]  cost; then name, limit, windowMs for each window
 * returns  {allowed (1|0), retryAfterMs, then remaining, resetMs, retryAfterMs per window}
 *
 * Lua numbers are doubles, as in JS; every value stays an integer below 2^53
 * (`assertValidRequest`), so both sides compute the same results exactly.
 */
export const GCRA_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cost = tonumber(ARGV[1])
local n = (#ARGV - 1) / 3
local names, limits, spans = {}, {}, {}
for i = 1, n do
  names[i] = ARGV[3 * i - 1]
  limits[i] = tonumber(ARGV[3 * i])
  spans[i] = tonumber(ARGV[3 * i + 1])
end
local function ceildiv(a, b) return math.floor((a + b - 1) / b) end

local stored = redis.call('HMGET', KEYS[1], unpack(names))
local debts, admits, allowed = {}, {}, true
for i = 1, n do
  local debt = 0
  local ms, frac = string.match(stored[i] or '', '^(%d+):(%d+)$')
  if ms then debt = math.max(0, (tonumber(ms) - now) * limits[i] + tonumber(frac)) end
  debts[i] = debt
  admits[i] = debt + cost * spans[i] <= limits[i] * spans[i]
  if not admits[i] then allowed = false end
end

local reply = { allowed and 1 or 0, 0 }
local updates = {}
local retry, idle = 0, 0
for i = 1, n do
  local limit, span, before = limits[i], spans[i], debts[i]
  local debt = before
  if allowed then debt = before + cost * span end
  local wait = 0
  if not admits[i] then
    if cost > limit then wait = math.max(1, ceildiv(before, limit))
    else wait = ceildiv(before + cost * span - limit * span, limit) end
  end
  local reset = ceildiv(debt, limit)
  reply[#reply + 1] = math.floor((limit * span - debt) / span)
  reply[#reply + 1] = reset
  reply[#reply + 1] = wait
  if allowed then
    updates[#updates + 1] = names[i]
    updates[#updates + 1] = string.format('%.0f:%.0f', now + math.floor(debt / limit), debt % limit)
  end
  if wait > retry then retry = wait end
  if reset > idle then idle = reset end
end
reply[2] = retry

if allowed then
  redis.call('HSET', KEYS[1], unpack(updates))
  redis.call('PEXPIRE', KEYS[1], math.max(1, idle))
end
return reply
`;
