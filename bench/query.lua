-- wrk script for the read benchmarks (bench/worklist.sh, bench/placement.sh):
-- one read, timed by wrk. Environment:
--   OZCC_BENCH_TOKEN   Bearer token of the caller
--   OZCC_BENCH_NAME    prefix of the printed keys (e.g. "search")
--   OZCC_BENCH_PATH    the request path (with its query)
--   OZCC_BENCH_BODIES  optional: a file with one JSON body per line; then the
--                      requests are POSTs of these bodies in turn (each thread
--                      starts elsewhere in the list), otherwise GETs
--   OZCC_BENCH_PATHS   optional (GETs only): a file with one request path a
--                      line, used in turn instead of OZCC_BENCH_PATH
-- done() prints NAME_requests, NAME_non200, NAME_req_per_s and wrk's latency
-- percentiles NAME_p50_ms, NAME_p90_ms, NAME_p99_ms, NAME_max_ms, and NAME_timeouts
-- (requests wrk gave up on: not in the percentiles).
local bodies = {}
local paths = {}
local threads = {}
local counter = 0
local path
non200 = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("OZCC_BENCH_BODIES")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then table.insert(bodies, line) end
    end
  end
  local path_file = os.getenv("OZCC_BENCH_PATHS")
  if path_file and path_file ~= "" then
    for line in io.lines(path_file) do
      if line ~= "" then table.insert(paths, line) end
    end
  end
  counter = (thread_index or 0) * 7
  path = os.getenv("OZCC_BENCH_PATH")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("OZCC_BENCH_TOKEN")
  if #bodies > 0 then wrk.headers["Content-Type"] = "application/json" end
end

function request()
  counter = counter + 1
  if #bodies == 0 then
    if #paths > 0 then return wrk.format("GET", paths[(counter % #paths) + 1]) end
    return wrk.format("GET", path)
  end
  return wrk.format("POST", path, nil, bodies[(counter % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 == 1 then io.stderr:write("first non-200 response: " .. status .. " " .. body:sub(1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  local name = os.getenv("OZCC_BENCH_NAME") or "query"
  io.write(string.format("%s_requests=%d %s_non200=%d %s_req_per_s=%.0f %s_p50_ms=%.3f %s_p90_ms=%.3f " ..
    "%s_p99_ms=%.3f %s_max_ms=%.3f %s_timeouts=%d\n", name, summary.requests, name, bad, name,
    summary.requests / (summary.duration / 1e6), name, latency:percentile(50) / 1000, name,
    latency:percentile(90) / 1000, name, latency:percentile(99) / 1000, name, latency.max / 1000, name,
    summary.errors.timeout))
end
