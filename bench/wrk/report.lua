-- wrk script for bench/run.py: at the end, one JSON line with what the table needs
-- (wrk's own --latency output has no 95th percentile). Latencies are in microseconds.
-- Optional: WRK_HEADER_NAME / WRK_HEADER_VALUE add one request header (If-None-Match).

local name = os.getenv("WRK_HEADER_NAME")
local value = os.getenv("WRK_HEADER_VALUE")
if name and name ~= "" then
   wrk.headers[name] = value
end

done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"p50_us": %d, "p95_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
      e.status, e.timeout, latency:percentile(50), latency:percentile(95), latency.max))
end
