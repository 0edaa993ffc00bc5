/**
 * The start of the Lua scripts that apply a stored document's image to its Redis views (the inbox index, the customer
 * directory): KEYS[1] is the hash of members (`id -> "<version>|<key>\\n<key>..."`), ARGV[1] the id, ARGV[2] the image's
 * version. It returns 0 when a newer image was applied already, else leaves the keys of the current one in `old`.
 */
export const READ_STORED_IMAGE = `local cur = redis.call('HGET', KEYS[1], ARGV[1])
local old = {}
if cur then
  local sep = string.find(cur, '|', 1, true)
  if tonumber(string.sub(cur, 1, sep - 1)) > tonumber(ARGV[2]) then return 0 end
  for k in string.gmatch(string.sub(cur, sep + 1), '[^\\n]+') do old[k] = true end
end
`;
