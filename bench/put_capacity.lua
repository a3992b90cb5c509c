-- wrk script for the durable-update benchmark: PUT /api/v1/units/{id}/capacity
-- round-robin over many units. Environment:
--   OZCC_BENCH_UNITS  file with "unit_id unit_type" per line
--   OZCC_BENCH_TOKEN  Bearer token allowed to write those units
-- Bodies are valid for the unit type (beds; SEH also ED; HAP only ED), so every
-- request is a committed write. done() prints key=value results.
local units = {}
local threads = {}
local counter = 0
non200 = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("OZCC_BENCH_UNITS")) do
    local id, typ = line:match("^(%S+)%s+(%S+)$")
    if id then table.insert(units, { id = id, typ = typ }) end
  end
  counter = (thread_index or 0) * 7919
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("OZCC_BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local u = units[(counter % #units) + 1]
  local occ = counter % 18
  local beds = string.format('"beds":{"total":20,"staffed":18,"occupied":%d,"available":%d}', occ, 18 - occ)
  local ed = string.format('"ed":{"status":"open","waiting":%d,"in_treatment":4,"boarding":1,"crowding":%d}',
    counter % 25, counter % 150)
  local body
  if u.typ == "hap" then
    body = "{" .. ed .. "}"
  elseif u.typ == "seh" then
    body = "{" .. beds .. "," .. ed .. "}"
  else
    body = "{" .. beds .. "}"
  end
  return wrk.format("PUT", "/api/v1/units/" .. u.id .. "/capacity", nil, body)
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
  local secs = summary.duration / 1e6
  io.write(string.format("put_requests=%d put_non200=%d put_req_per_s=%.0f put_p50_ms=%.2f put_p99_ms=%.2f\n",
    summary.requests, bad, (summary.requests - bad) / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
