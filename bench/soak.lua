-- wrk script for the soak test (bench/soak.sh). One script, three kinds of
-- load, chosen by OZCC_SOAK_MODE:
--   read   GET /api/v1/capacity/snapshot: 60 % ZWN gzip, 20 % second region
--          gzip, 10 % ZWN uncompressed, 10 % ZWN with If-None-Match of the
--          last ETag seen (200 or 304 are both fine)
--   put    PUT /api/v1/units/{id}/capacity round-robin over all units
--   batch  POST /api/v1/capacity:batch with OZCC_SOAK_BATCH_ITEMS units each
-- Environment: OZCC_BENCH_UNITS (file, "unit_id unit_type region_id" per
-- line), OZCC_BENCH_TOKEN (Bearer allowed to read and write them),
-- OZCC_SOAK_DELAY_MS (pause of each connection between its requests: paces
-- the load; wrk's latency excludes it), OZCC_SOAK_REGIONS ("ZWN,DEMO2").
-- Bodies are valid for the unit type, so every write is a committed write.
-- done() prints one line: MODE_requests MODE_errors (non-2xx/304 plus socket
-- errors and timeouts) MODE_req_per_s MODE_p50_ms MODE_p99_ms MODE_max_ms.
local units = {}
local threads = {}
local counter = 0
local mode = os.getenv("OZCC_SOAK_MODE") or "read"
local delay_ms = tonumber(os.getenv("OZCC_SOAK_DELAY_MS") or "0")
local batch_items = tonumber(os.getenv("OZCC_SOAK_BATCH_ITEMS") or "10")
local regions = {}
local etag = nil
bad = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("OZCC_BENCH_UNITS")) do
    local id, typ = line:match("^(%S+)%s+(%S+)")
    if id then table.insert(units, { id = id, typ = typ }) end
  end
  for r in string.gmatch(os.getenv("OZCC_SOAK_REGIONS") or "ZWN", "[^,]+") do table.insert(regions, r) end
  counter = (thread_index or 0) * 7919
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("OZCC_BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  return delay_ms
end

local function report_body(u, n)
  local occ = n % 18
  local beds = string.format('"beds":{"total":20,"staffed":18,"occupied":%d,"available":%d}', occ, 18 - occ)
  local ed = string.format('"ed":{"status":"open","waiting":%d,"in_treatment":4,"boarding":1,"crowding":%d}',
    n % 25, n % 150)
  if u.typ == "hap" then return ed end
  if u.typ == "seh" then return beds .. "," .. ed end
  return beds
end

function request()
  counter = counter + 1
  if mode == "put" then
    local u = units[(counter % #units) + 1]
    return wrk.format("PUT", "/api/v1/units/" .. u.id .. "/capacity", nil, "{" .. report_body(u, counter) .. "}")
  elseif mode == "batch" then
    local items = {}
    for i = 1, batch_items do
      local u = units[((counter * batch_items + i) % #units) + 1]
      items[i] = '{"unit_id":"' .. u.id .. '",' .. report_body(u, counter + i) .. "}"
    end
    return wrk.format("POST", "/api/v1/capacity:batch", nil, '{"items":[' .. table.concat(items, ",") .. "]}")
  end
  local pick = counter % 10
  local path = "/api/v1/capacity/snapshot?region=" .. regions[1]
  -- wrk.format uses the given headers instead of wrk.headers: copy those in.
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = nil
  headers["Accept-Encoding"] = "gzip"
  if pick >= 6 and pick <= 7 and #regions > 1 then
    path = "/api/v1/capacity/snapshot?region=" .. regions[2]
  elseif pick == 8 then
    headers["Accept-Encoding"] = nil
  elseif pick == 9 and etag then
    headers["If-None-Match"] = etag
  end
  return wrk.format("GET", path, headers, nil)
end

function response(status, headers, body)
  if status == 200 or status == 304 then
    local tag = headers["ETag"]
    if mode == "read" and tag and tag:sub(2, #regions[1] + 2) == regions[1] .. "-" then etag = tag end
    return
  end
  bad = bad + 1
  if bad == 1 then io.stderr:write("soak " .. mode .. ": first bad response: " .. status .. " " .. body:sub(1, 300) .. "\n") end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("bad") or 0) end
  local e = summary.errors
  local errors = n + e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format("%s_requests=%d %s_errors=%d %s_req_per_s=%.1f %s_p50_ms=%.2f %s_p99_ms=%.2f %s_max_ms=%.2f\n",
    mode, summary.requests, mode, errors, mode, summary.requests / secs, mode, latency:percentile(50) / 1000,
    mode, latency:percentile(99) / 1000, mode, latency.max / 1000))
end
