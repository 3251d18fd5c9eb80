// Shared helpers for the Playwright end-to-end tests (node --test tests/e2e/).
//
// - startServer(): a tiny static file server for dist/ on 127.0.0.1 with a random free port, so
//   the tests exercise the real release build without extra dependencies. Like a real static
//   host it compresses text and .wasm with gzip when the browser accepts it.
// - launchBrowser(): Debian's Chromium through playwright-core (no browser downloads).
// - openApp(): a page that records console errors and waits until the app is mounted.
import { createServer } from 'node:http';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_DIR = join(REPO_ROOT, 'dist');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'artifacts', 'screenshots');

/** Selector that matches once the app has rendered (set by src/ui/app.rs). */
export const READY_SELECTOR = '[data-app-ready="1"]';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // Browsers only stream-compile wasm served with exactly this type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types worth compressing (images other than SVG are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt']);

/** gzip -9 of each file, computed once per (path, modification time). */
const gzipCache = new Map();

async function gzipped(file, body) {
  const { mtimeMs } = await stat(file);
  const key = `${file}\u0000${mtimeMs}`;
  let z = gzipCache.get(key);
  if (!z) {
    z = gzipSync(body, { level: 9 });
    gzipCache.set(key, z);
  }
  return z;
}

/**
 * Serves `root` (default dist/) on 127.0.0.1 at a random free port.
 *
 * @param {object} [options]
 * @param {string} [options.root] directory to serve
 * @param {string} [options.prefix] URL path the directory is mounted at, e.g. '/nested/app/'
 *   (checks that the build works under a sub-path)
 * @param {Record<string, string>} [options.pages] extra HTML pages by exact path, e.g. a page
 *   that embeds the app in an iframe
 * @param {boolean} [options.gzip] compress responses when the request accepts gzip (default
 *   true, as any real host does)
 * @returns {Promise<{origin: string, url: string, close: () => Promise<void>}>} `url` is the
 *   app's address (origin + prefix)
 */
export async function startServer({ root = DIST_DIR, prefix = '/', pages = {}, gzip = true } = {}) {
  const rootDir = resolve(root);
  await stat(join(rootDir, 'index.html')).catch(() => {
    throw new Error(`${rootDir}/index.html not found: run \`trunk build --release --offline\` first`);
  });

  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (Object.hasOwn(pages, path)) {
        return send(200, pages[path], MIME_TYPES['.html']);
      }
      if (!path.startsWith(prefix)) return send(404, 'not found');
      let relative = path.slice(prefix.length);
      if (relative === '' || relative.endsWith('/')) relative += 'index.html';
      const file = normalize(join(rootDir, relative));
      // Refuse anything that escapes the served directory (../ tricks).
      if (file !== rootDir && !file.startsWith(rootDir + sep)) return send(403, 'forbidden');
      const body = await readFile(file);
      const type = MIME_TYPES[extname(file)] ?? 'application/octet-stream';
      const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      if (gzip && accepts && COMPRESSIBLE.has(extname(file))) {
        const z = await gzipped(file, body);
        res.writeHead(200, {
          'content-type': type,
          'content-encoding': 'gzip',
          'content-length': z.length,
          vary: 'accept-encoding',
          'cache-control': 'no-store',
        });
        return res.end(z);
      }
      return send(200, body, type);
    } catch (error) {
      if (error?.code === 'ENOENT' || error?.code === 'EISDIR') return send(404, 'not found');
      return send(500, String(error));
    }
  });

  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + prefix,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Chromium flags for running as root in containers and CI without network side traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian's Chromium (override the binary with CHROMIUM_PATH). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * A suite's shared test server and browser: started before its first test, closed after its
 * last. `FAILOVER_LAB_DIST` serves another build (handy while developing); default dist/.
 * Call it inside `describe`; `use(server, browser)` receives both once they are up.
 *
 * @param {(server: {url: string, close: () => Promise<void>}, browser: import('playwright-core').Browser) => void} use
 */
export function serveAppAndBrowser(use) {
  let server;
  let browser;
  before(async () => {
    server = await startServer(process.env.FAILOVER_LAB_DIST ? { root: process.env.FAILOVER_LAB_DIST } : {});
    browser = await launchBrowser();
    use(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * Opens `url` in a fresh browser context and waits until the app has mounted.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {object} [options]
 * @param {{width: number, height: number}} [options.viewport]
 * @param {'light' | 'dark'} [options.colorScheme]
 * @param {'reduce' | 'no-preference'} [options.reducedMotion] the prefers-reduced-motion media feature
 * @param {boolean} [options.waitForReady] wait for READY_SELECTOR (default true)
 * @returns {Promise<{page: import('playwright-core').Page, context: import('playwright-core').BrowserContext, errors: string[]}>}
 *   `errors` collects console errors, uncaught exceptions and failed requests, as they happen
 */
export async function openApp(
  browser,
  url,
  {
    viewport = { width: 1280, height: 800 },
    colorScheme = 'light',
    reducedMotion = 'no-preference',
    waitForReady = true,
  } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(url);
  if (waitForReady) {
    await page.waitForSelector(READY_SELECTOR, { timeout: 15_000 });
  }
  return { page, context, errors };
}

/** Fast-forwards to `seconds` of simulated time with the "Run to" control; ends paused. */
export async function runTo(page, seconds) {
  await page.fill('[data-control="run-to-input"]', String(seconds));
  await page.click('[data-control="run-to"]');
  const target = Math.round(seconds * 1e6);
  await page.waitForFunction(
    ([sel, t]) => {
      const root = document.querySelector(sel);
      return root && root.getAttribute('data-playing') === '0' && Number(root.getAttribute('data-sim-time-us')) === t;
    },
    ['[data-lab]', target],
    { timeout: 60_000 },
  );
}

/** Saves a full-page screenshot to artifacts/screenshots/NAME.png and returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Pauses the run (no-op when already paused) and waits until the frame loop agrees. */
export async function pause(page) {
  const root = '[data-lab]';
  await page.waitForSelector(`${root}[data-playing]`);
  if ((await page.getAttribute(root, 'data-playing')) === '1') {
    await page.click('[data-control="play"]');
  }
  await page.waitForSelector(`${root}[data-playing="0"]`);
}

/** Opens a node's menu by clicking it and picks `action` (crash, heal, ...). */
export async function nodeAction(page, node, action) {
  await page.click(`[data-node-name="${node}"]`);
  await page.waitForSelector(`.node-menu[data-menu-for="${node}"]`);
  await page.click(`.node-menu [data-action="${action}"]`);
  await page.waitForSelector('.node-menu', { state: 'detached' });
}
