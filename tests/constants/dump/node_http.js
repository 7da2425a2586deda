// Prints Node's http.STATUS_CODES as JSON: Node has phrases, not named constants.
const http = require("node:http");
const entries = Object.entries(http.STATUS_CODES).map(([code, phrase]) => ({
  code: Number(code),
  names: [],
  deprecated: [],
  phrase,
}));
console.log(JSON.stringify({ version: process.version.replace(/^v/, ""), entries }));
