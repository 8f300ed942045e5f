-- wrk script: requests each path in the file $URLS once (spread over the threads), then stops.
local paths = {}
local counter = 0

function setup(thread)
  thread:set("id", (function() _G.n = (_G.n or 0) + 1; return _G.n end)())
end

function init(args)
  for line in io.lines(os.getenv("URLS")) do
    if #line > 0 then table.insert(paths, line) end
  end
  counter = id - 1
end

function request()
  counter = counter + 2
  if counter > #paths then
    wrk.thread:stop()
    return wrk.format("GET", paths[1])
  end
  return wrk.format("GET", paths[counter])
end
