// The pieces of the Early Hints browser test: `httpstatus serve --tls` with its access log captured, the local
// CA trusted through an NSS database the way a user trusts it (certutil into $HOME/.pki/nssdb), headless
// Chromium with that HOME, and the access log parsed into timed entries.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { ROOT, CHROMIUM } from "../server.mjs";

/** A temporary directory, removed by `cleanup` (or at exit). */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `httpstatus-${prefix}-`));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// `TIME METHOD TARGET PROTOCOL STATUS BYTES DURATIONms`, TIME in RFC 3339 UTC with milliseconds.
const LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) (\S+) (\S+) (\d{3}) (\d+) (\d+(?:\.\d+)?)ms$/;

/** One access log line as `{ time (ms since the epoch), iso, method, target, protocol, status, bytes, durationMs }`, or null. */
export function parseLogLine(line) {
  const m = LOG_LINE.exec(line.trim());
  if (!m) return null;
  const time = Date.parse(m[1]);
  if (Number.isNaN(time)) return null;
  return {
    time,
    iso: m[1],
    method: m[2],
    target: m[3],
    protocol: m[4],
    status: Number(m[5]),
    bytes: Number(m[6]),
    durationMs: Number(m[7]),
  };
}

/**
 * Starts `httpstatus serve --tls` on free loopback ports with its data (and so its local CA) in `dataDir`.
 * Resolves to `{ http, https, caPem, log, stop }`: `log` holds every access log entry parsed so far.
 */
export function startTlsServer(dataDir) {
  const bin = process.env.HTTPSTATUS_BIN || join(ROOT, "target", "debug", "httpstatus");
  if (!existsSync(bin)) throw new Error(`${bin} does not exist: build it with \`cargo build\` first (or set HTTPSTATUS_BIN)`);
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--tls", "--tls-addr", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HTTPSTATUS_DATA_DIR: dataDir },
  });
  const killAtExit = () => child.kill("SIGKILL");
  process.once("exit", killAtExit);
  const log = [];
  const other = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    const entry = parseLogLine(line);
    if (entry) log.push(entry);
    else other.push(line);
  });
  let exited = null;
  child.once("exit", (code, signal) => (exited = { code, signal }));
  const stop = () =>
    new Promise((done) => {
      process.removeListener("exit", killAtExit);
      if (exited) return done();
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => (clearTimeout(force), done()));
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const fail = (message) => {
      stop();
      reject(new Error(`${message}\nserver stderr:\n${other.join("\n")}`));
    };
    const timer = setTimeout(() => fail("the server did not announce both addresses in 20 s"), 20_000);
    child.once("exit", (code) => (clearTimeout(timer), fail(`the server exited with ${code} before listening`)));
    const seen = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      seen.push(line.trim());
      if (seen.length < 2) return;
      if (seen.length > 2) return;
      clearTimeout(timer);
      const http = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(seen[0]);
      const https = /^listening on (https:\/\/localhost:\d+)$/.exec(seen[1]);
      if (!http || !https) return fail(`unexpected first lines: ${JSON.stringify(seen)}`);
      const caPem = join(dataDir, "ca", "ca.pem");
      if (!existsSync(caPem)) return fail(`the local CA is not at ${caPem}`);
      child.removeAllListeners("exit");
      child.once("exit", (code, signal) => (exited = { code, signal }));
      resolve({ http: http[1], https: https[1], caPem, log, stop });
    });
  });
}

/**
 * Trusts `caPem` for websites in a new NSS database at `$home/.pki/nssdb`, as `httpstatus ca trust` tells a
 * Chromium user to: `certutil -N` makes the database (Chromium would make it on first run), `certutil -A -t C,,`
 * adds the CA as trusted to issue server certificates. Returns what `certutil -L` lists.
 */
export function trustInNss(home, caPem) {
  const db = join(home, ".pki", "nssdb");
  mkdirSync(db, { recursive: true });
  const certutil = (...args) => execFileSync("certutil", ["-d", `sql:${db}`, ...args], { encoding: "utf8", timeout: 20_000 });
  certutil("-N", "--empty-password");
  certutil("-A", "-t", "C,,", "-n", "httpstatus local CA", "-i", caPem);
  return certutil("-L");
}

/**
 * Launches Debian's Chromium headless with `home` as $HOME (so it reads `home/.pki/nssdb`), a fresh profile and
 * extra flags; certificate errors are never ignored. Returns `{ context, version, close }`.
 */
export async function launchChromium(home, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "httpstatus-chromium-eh-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: false,
    env: { ...process.env, HOME: home },
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  const version = context.browser()?.version() ?? (await versionFromPage(context));
  return {
    context,
    version,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function versionFromPage(context) {
  const page = await context.newPage();
  const ua = await page.evaluate(() => navigator.userAgent);
  await page.close();
  return /(?:Headless)?Chrome\/([\d.]+)/.exec(ua)?.[1] ?? "unknown";
}

/** Waits until `predicate()` is true, polling every 20 ms, for at most `ms`; returns whether it became true. */
export async function waitFor(predicate, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}
