-- wrk script: POSTs the benchmark operation and checks every response against
-- the expected body (status 200, byte for byte). Inputs come from files named
-- by environment variables; the summary is printed as one JSON line.
local function slurp(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local request_body = slurp(os.getenv("BENCH_REQUEST_FILE"))
local expected = slurp(os.getenv("BENCH_EXPECTED_FILE"))
local authorization = os.getenv("BENCH_AUTHORIZATION")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong = 0
  wrong_status = 0
  wrk.method = "POST"
  wrk.body = request_body
  wrk.headers["Content-Type"] = "application/json"
  if authorization and authorization ~= "" then
    wrk.headers["Authorization"] = authorization
  end
end

function response(status, headers, body)
  if status ~= 200 then
    wrong_status = wrong_status + 1
  elseif body ~= expected then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local wrong_total, status_total = 0, 0
  for _, thread in ipairs(threads) do
    wrong_total = wrong_total + thread:get("wrong")
    status_total = status_total + thread:get("wrong_status")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"wrongBody":%d,"wrongStatus":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    wrong_total, status_total, errors.connect + errors.read + errors.write + errors.timeout))
end
