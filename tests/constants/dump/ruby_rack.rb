# Prints Rack's status codes as JSON: Rack::Utils::HTTP_STATUS_CODES (code to phrase) with the symbols of
# Rack::Utils::SYMBOL_TO_STATUS_CODE for each code. Symbols from OBSOLETE_SYMBOLS_TO_STATUS_CODES (Rack 3),
# which Rack still accepts with a deprecation warning, are listed as deprecated.
require "json"
require "rack"

utils = Rack::Utils
# Rack 3 makes it a private constant: const_get still reads it.
obsolete = utils.const_defined?(:OBSOLETE_SYMBOLS_TO_STATUS_CODES) ? utils.const_get(:OBSOLETE_SYMBOLS_TO_STATUS_CODES) : {}
codes = (utils::HTTP_STATUS_CODES.keys + utils::SYMBOL_TO_STATUS_CODE.values + obsolete.values).uniq
entries = codes.map do |code|
  {
    code: code,
    names: utils::SYMBOL_TO_STATUS_CODE.select { |_, c| c == code }.keys.map { |s| ":#{s}" },
    deprecated: obsolete.select { |_, c| c == code }.keys.map { |s| ":#{s}" },
    phrase: utils::HTTP_STATUS_CODES[code],
  }
end
puts JSON.generate({ version: Rack.release, entries: entries.sort_by { |e| e[:code] } })
