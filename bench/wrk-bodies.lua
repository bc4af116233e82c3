-- wrk script of bench/http.bench.ts: each request POSTs the next line of the file named by
-- WRK_BODIES (one JSON body per line, none sent twice: run out and they repeat, and the
-- repeats come back REPLAYED and are counted); counts answers that are not a 200 with
-- "valid":true; prints one JSON line of figures at the end (latencies in microseconds).
local bodies = {}
local nextBody = 1
notValid = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("WRK_BODIES")) do
    bodies[#bodies + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
end

function request()
  local body = bodies[nextBody]
  nextBody = nextBody % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"valid":true', 1, true) then
    notValid = notValid + 1
  end
end

function done(summary, latency, requests)
  local nv = 0
  for _, thread in ipairs(threads) do
    nv = nv + thread:get("notValid")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"micros":%d,"p50":%d,"p99":%d,"p999":%d,"errors":%d,"notValid":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.connect + e.read + e.write + e.status + e.timeout, nv))
end
