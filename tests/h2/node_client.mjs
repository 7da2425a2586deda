// Node's http2 client: one request, every HEADERS block in order (a `headers` event per 1xx, then the final
// `response`), printed as one JSON line. Trusts the CA in NODE_EXTRA_CA_CERTS.
//
//   node node_client.mjs https://localhost:PORT/status/200?interim=103,102
import http2 from 'node:http2';

const url = new URL(process.argv[2]);
const session = http2.connect(url.origin);
const heads = [];
session.on('error', (error) => {
  console.error(error);
  process.exit(2);
});
const request = session.request({ ':path': url.pathname + url.search, accept: 'text/plain' });
request.on('headers', (headers) => heads.push({ kind: 'interim', status: headers[':status'], headers, at: Date.now() }));
request.on('response', (headers) => heads.push({ kind: 'final', status: headers[':status'], headers, at: Date.now() }));
let body = '';
request.setEncoding('utf8');
request.on('data', (chunk) => { body += chunk; });
request.on('end', () => {
  console.log(JSON.stringify({ alpn: session.alpnProtocol, heads, body }));
  session.close();
});
request.end();
