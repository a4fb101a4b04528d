-- wrk script: POST the citizen form with a fresh submission key each time.
-- SIPAS_BODY holds the answers and CSRF token; SIPAS_COOKIE the session.
local body = os.getenv("SIPAS_BODY")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("SIPAS_COOKIE")
local n = 0

function setup(thread)
  thread:set("tid", math.random(0, 0xffff))
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
end

function request()
  n = n + 1
  local key = string.format("%08x%08x%08x%08x", tid or 0, n, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  return wrk.format(nil, nil, nil, body .. "&submission_key=" .. key)
end
