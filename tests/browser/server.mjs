// The real httpstatus server on a free loopback port, and headless Chromium with a fresh profile.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUTPUT = join(ROOT, "tests", "output");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Starts `httpstatus serve --addr 127.0.0.1:0`; resolves to `{ url, stop }` once it announces its address. */
export function startServer() {
  const bin = process.env.HTTPSTATUS_BIN || join(ROOT, "target", "debug", "httpstatus");
  if (!existsSync(bin)) throw new Error(`${bin} does not exist: build it with \`cargo build\` first (or set HTTPSTATUS_BIN)`);
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error("the server did not announce its address in 20 s")), 20_000);
    child.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (!match) return reject(new Error(`unexpected first line: ${line}`));
      resolve({
        url: match[1],
        stop: () => new Promise((done) => { child.once("exit", done); child.kill("SIGTERM"); }),
      });
    });
  });
}

/** Launches Debian's Chromium headless, with a profile of its own that is removed by `close`. */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "httpstatus-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Lets `context` reach only `base` (and `data:` URLs): any request to another host is refused, so nothing
 * leaves the machine. Routing turns Chromium's HTTP cache off; a test of caching needs a context without it.
 */
export async function confine(context, base) {
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return url.startsWith(base + "/") || url.startsWith("data:") ? route.continue() : route.abort();
  });
}

/**
 * What most browser tests start with: the server, and a browser confined to it. Resolves to `{ server, browser }`;
 * `stopSite` closes both, whatever of them started.
 */
export async function startSite() {
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
    await confine(browser.context, server.url);
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
  return { server, browser };
}

/** Closes what `startSite` started. */
export async function stopSite({ server, browser } = {}) {
  await browser?.close();
  await server?.stop();
}

export function screenshotPath(name) {
  mkdirSync(OUTPUT, { recursive: true });
  return join(OUTPUT, `${name}.png`);
}

/**
 * Watches a page: console errors, uncaught exceptions, failed requests, and every request that is not to
 * `base` (nothing may leave the site).
 */
export function watch(page, base) {
  const seen = { errors: [], outside: [], failed: [] };
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") seen.errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.errors.push(`exception: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base + "/") && !url.startsWith("data:")) seen.outside.push(url);
  });
  page.on("requestfailed", (request) => seen.failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  return seen;
}
