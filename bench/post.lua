-- wrk script: POST the citizen form as many different citizens would.
-- SIPAS_BODY holds the CSRF token, the service and the optional items;
-- SIPAS_CRITERIA the criterion codes, each answered at random (1-5) so the
-- posts are not the byte-identical replays the duplicate check exists for;
-- SIPAS_COOKIE the session. Each request has a fresh submission key.
local body = os.getenv("SIPAS_BODY")
local criteria = {}
for code in string.gmatch(os.getenv("SIPAS_CRITERIA") or "", "[^,]+") do
  table.insert(criteria, code)
end
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
  local parts = {body, "submission_key=" .. key}
  for _, code in ipairs(criteria) do
    table.insert(parts, code .. "=" .. math.random(1, 5))
  end
  return wrk.format(nil, nil, nil, table.concat(parts, "&"))
end
