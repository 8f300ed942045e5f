-- wrk script: requests the paths listed in the file $URLS (one per line) in a shuffled order
-- (a fixed seed per thread), with the Authorization header $TOKEN when set. At the end prints
-- one tab-separated line: requests/s, p50 ms, p99 ms, max ms, requests, non-2xx, socket errors.
local paths = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  for line in io.lines(os.getenv("URLS")) do
    if #line > 0 then table.insert(paths, line) end
  end
  math.randomseed(1000 + id)
  for i = #paths, 2, -1 do
    local j = math.random(i)
    paths[i], paths[j] = paths[j], paths[i]
  end
  local token = os.getenv("TOKEN")
  if token and #token > 0 then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
