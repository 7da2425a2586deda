// Scenarios in headless Chromium: a redirect chain followed hop by hop, a form's POST kept by 307 and turned
// into a GET by 303, a conditional resource revalidated with If-None-Match and answered 304, and a 412 for a
// write with a stale ETag, all as the browser sends them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, stopSite, launchBrowser } from "./server.mjs";

let server;
let browser;

before(async () => {
  ({ server, browser } = await startSite());
});

after(() => stopSite({ server, browser }));

const key = (name) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

test("a chain of three 302s is followed to the hop that reports the request", async () => {
  const page = await browser.context.newPage();
  const statuses = [];
  page.on("response", (r) => statuses.push(r.status()));
  const response = await page.goto(`${server.url}/scenario/redirect/3?status=302`);
  assert.equal(response.status(), 200);
  assert.deepEqual(statuses, [302, 302, 302, 200]);
  const report = JSON.parse(await page.textContent("body"));
  assert.equal(report.received.method, "GET");
  let hops = 0;
  for (let r = response.request().redirectedFrom(); r; r = r.redirectedFrom()) hops += 1;
  assert.equal(hops, 3);
  await page.close();
});

for (const [status, method, body] of [[303, "GET", ""], [307, "POST", "field=value"], [308, "POST", "field=value"]]) {
  test(`a form POST answered ${status} arrives as ${method}`, async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(({ action }) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      const input = document.createElement("input");
      input.name = "field";
      input.value = "value";
      form.append(input);
      document.body.append(form);
      form.submit();
    }, { action: `/scenario/redirect/1?status=${status}` });
    await page.waitForURL(/\/scenario\/redirect\/0/);
    const report = JSON.parse(await page.textContent("body"));
    assert.equal(report.received.method, method);
    assert.equal(report.received.body, body);
    await page.close();
  });
}

test("a conditional resource is revalidated with If-None-Match and answered 304", async () => {
  // A browser of its own: request routing, as the other tests use it, turns Chromium's HTTP cache off.
  const own = await launchBrowser();
  try {
    const page = await own.context.newPage();
    const url = `${server.url}/scenario/conditional/${key("browser")}`;
    const first = await page.goto(url);
    assert.equal(first.status(), 200);
    const etag = first.headers()["etag"];
    assert.match(etag, /^"/);
    const requests = [];
    page.on("request", (r) => { if (r.url() === url) requests.push(r); });
    // What came over the network, from the DevTools protocol: a revalidated page shows as its cached 200 to
    // page.on("response"), but the raw status the server sent is in responseReceivedExtraInfo. Only the
    // page's own request counts (a reload may also ask for /favicon.ico, say).
    const cdp = await own.context.newCDPSession(page);
    await cdp.send("Network.enable");
    const ours = new Set();
    const raw = [];
    cdp.on("Network.requestWillBeSent", (e) => { if (e.request.url === url) ours.add(e.requestId); });
    cdp.on("Network.responseReceivedExtraInfo", (e) => raw.push(e));
    await page.reload();
    const statuses = () => raw.filter((e) => ours.has(e.requestId)).map((e) => e.statusCode);
    for (let waited = 0; statuses().length === 0 && waited < 2000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The conditional field is the network stack's, so it shows in allHeaders(), not headers().
    const sent = await Promise.all(requests.map(async (r) => (await r.allHeaders())["if-none-match"]));
    assert.deepEqual(sent, [etag], "the browser revalidates with the ETag it stored");
    assert.deepEqual(statuses(), [304]);
    assert.equal(await page.textContent("body"), await (await fetch(url)).text());
  } finally {
    await own.close();
  }
});

test("fetch in the page gets 412 for a write with a stale ETag and 204 with the right one", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/`);
  const url = `/scenario/conditional/${key("fetch")}`;
  const result = await page.evaluate(async (url) => {
    const etag = (await fetch(url)).headers.get("etag");
    const stale = await fetch(url, { method: "PUT", headers: { "If-Match": '"stale"' }, body: "x" });
    const fresh = await fetch(url, { method: "PUT", headers: { "If-Match": etag }, body: "y" });
    const missing = await fetch(url, { method: "PUT", body: "z" });
    return [stale.status, fresh.status, missing.status];
  }, url);
  assert.deepEqual(result, [412, 204, 428]);
  await page.close();
});
