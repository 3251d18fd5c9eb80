// Journeys of issue #11 on the release build in dist/: nothing the user made is lost (a bad
// import, a bad or newer link, a seed change), fatal errors after start-up are visible and
// have a way out, release builds cannot be crashed from the URL, runs too large for a link
// say so, and links built from odd page addresses are well formed. Screenshots go to
// artifacts/screenshots/hardening-*.png.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodeAction, openApp, pause, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const ROOT = '[data-lab]';
const DEFAULT_TITLE = 'Redundant instances behind a load balancer';

const runState = async (page) => ({
  url: page.url(),
  hash: await page.getAttribute(ROOT, 'data-trace-hash'),
  time: await page.getAttribute(ROOT, 'data-sim-time-us'),
  title: await page.textContent('[data-scenario-title]'),
  commands: await page.textContent('.commands-note'),
});

/**
 * Throws a `WebAssembly.RuntimeError` from a task of the running page: what the browser raises
 * when the app's wasm executes `unreachable` (a Rust abort, running out of memory) inside a
 * frame or event callback. (No `new Function` here: the page's policy forbids eval.)
 */
async function trapInPage(page, message = 'unreachable') {
  await page.evaluate((m) => {
    setTimeout(() => {
      throw new WebAssembly.RuntimeError(m);
    });
  }, message);
}

/** A valid scenario file whose link would be longer than the limit: `n` scheduled faults. */
function manyFaults(n) {
  const faults = Array.from({ length: n }, (_, i) => ({ at_ms: (i + 1) * 1000, action: 'heal', node: 'server' }));
  return JSON.stringify(
    { name: 'many-faults', duration_s: 86400, traffic: { rate_rps: 50 }, entry: 'server', instances: [{ name: 'server' }], faults },
    null,
    2,
  );
}

describe('hardening journeys', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('a bad import keeps the run and its commands: same address, same trace hash', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      await pause(page);
      await runTo(page, 3);
      await nodeAction(page, 'app-2', 'crash');
      await runTo(page, 6);
      const before = await runState(page);
      assert.match(before.url, /#v=3&p=redundant-behind-lb&seed=1&c=3000:crash:app-2$/);

      const bad = JSON.stringify({
        name: 'bad',
        traffic: { rate_rps: -5 },
        entry: 'server',
        instances: [{ name: 'server', workers: 0 }],
      });
      await page.setInputFiles('[data-control="import"]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
      const notice = page.locator('[data-notice="error"]');
      await notice.waitFor();
      const text = await notice.textContent();
      assert.match(text, /bad\.json is not a valid scenario:/);
      assert.match(text, /traffic\.rate_rps: must be between 0 and 20000, got -5/);
      assert.match(text, /instances\[0\]\.workers: must be between 1 and 1024, got 0/);
      assert.match(text, /run on screen and its commands are unchanged/);
      assert.deepEqual(await runState(page), before, 'scenario, commands, address and run are unchanged');
      await screenshot(page, 'hardening-bad-import');

      // Too large a file is refused before it is read (it is not even JSON).
      const huge = Buffer.alloc(4_000_001, 'x'); // MAX_SCENARIO_BYTES + 1
      await page.setInputFiles('[data-control="import"]', { name: 'huge.json', mimeType: 'application/json', buffer: huge });
      await page.waitForFunction(() => document.querySelector('[data-notice="error"]')?.textContent.includes('huge.json is 3.8 MiB'));
      assert.match(await notice.textContent(), /limited to 3\.8 MiB \(4,000,000 bytes\), so it was not read/);
      assert.deepEqual(await runState(page), before);

      // The run goes on exactly as a fresh replay of its link.
      await runTo(page, 10);
      const after = await page.getAttribute(ROOT, 'data-trace-hash');
      const replay = await openApp(browser, before.url);
      try {
        await pause(replay.page);
        await runTo(replay.page, 10);
        assert.equal(await replay.page.getAttribute(ROOT, 'data-trace-hash'), after, 'same run as its link');
      } finally {
        await replay.context.close();
      }

      // A new seed keeps the commands (and says so).
      await page.fill('[data-control="seed"]', '9');
      await page.press('[data-control="seed"]', 'Enter');
      await page.waitForFunction(() => location.hash.includes('seed=9'));
      assert.match(page.url(), /#v=3&p=redundant-behind-lb&seed=9&c=3000:crash:app-2$/);
      assert.match(await page.textContent('[data-notice="info"]'), /replays your command at the same times.*Seed 1 gives back the run before/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a newer or bad link stays in the address bar and in the message, with a copy button', async () => {
    const link = `${server.url}#v=4&p=redundant-behind-lb&seed=2&c=1000:crash:app-1`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(link);
      const notice = page.locator('[data-notice="error"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /link version 4 is not supported \(this app reads versions 1 to 3\)/);
      assert.match(await notice.textContent(), /stays in the address bar until you change something/);
      assert.equal(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);
      // The default scenario runs, and the address keeps the link meanwhile.
      await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-sim-time-us')) > 1_000_000, ROOT);
      assert.equal(page.url(), link, 'the link is not rewritten');
      assert.equal(await page.inputValue('[data-copy-text]'), link);
      await page.click('[data-control="copy-link"]');
      await page.waitForSelector('text=Copied.');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      await screenshot(page, 'hardening-bad-link');
      // Doing something else writes the run on screen; Back returns to the link.
      await nodeAction(page, 'app-3', 'crash');
      assert.match(page.url(), /#v=3&p=redundant-behind-lb&seed=1&c=\d+:crash:app-3$/);
      await page.selectOption('[data-control="preset"]', 'single-server');
      await page.waitForFunction(() => location.hash.includes('p=single-server'));
      await page.goBack();
      await page.waitForFunction(() => location.hash.includes('crash:app-3'));
      assert.equal(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE, 'Back returns to the run before');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('release builds cannot be crashed from the URL (?debug=panic is a debug-build hook)', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}?debug=panic#v=3&p=single-server&seed=4`);
    try {
      await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-sim-time-us')) > 1_000_000, ROOT);
      assert.equal(await page.locator('#panic-banner').isHidden(), true);
      assert.equal(await page.locator('html').getAttribute('data-app-panicked'), null);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a trap after start-up shows the banner; Reload replays the run, the other button leaves it', async () => {
    const link = `${server.url}#v=3&p=single-server&seed=42&c=2000:crash:server`;
    const { page, context } = await openApp(browser, link);
    try {
      await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-sim-time-us')) > 500_000, ROOT);
      // What the browser raises when the wasm executes `unreachable` in a frame callback.
      await trapInPage(page);
      const banner = page.locator('#panic-banner');
      await banner.waitFor({ state: 'visible' });
      assert.match(await page.textContent('#panic-title'), /stopped because of an internal error/);
      const message = await page.textContent('#panic-message');
      assert.match(message, /RuntimeError: unreachable/);
      assert.ok(message.includes(`Link of the run: ${link}`), message);
      assert.equal(await page.locator('html').getAttribute('data-app-panicked'), '1');
      assert.equal(await page.getAttribute('#panic-default', 'href'), '/');
      await screenshot(page, 'hardening-fatal-banner');
      // On a phone the buttons go under the message, both reachable.
      await page.setViewportSize({ width: 375, height: 812 });
      const [message375, reload375] = [await page.locator('#panic-message').boundingBox(), await page.locator('#panic-reload').boundingBox()];
      assert.ok(reload375.y > message375.y, 'the buttons are under the message');
      assert.ok(reload375.x >= 0 && reload375.x + reload375.width <= 375);
      await screenshot(page, 'hardening-fatal-banner-375');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Reload: the same address, so the same run, without the banner.
      await page.click('#panic-reload');
      await page.waitForSelector('[data-app-ready="1"]');
      assert.equal(page.url(), link);
      assert.equal(await banner.isHidden(), true);
      assert.notEqual(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);

      // A link that crashes every time is not a trap: open the default scenario.
      await trapInPage(page);
      await banner.waitFor({ state: 'visible' });
      await page.click('#panic-default');
      await page.waitForSelector('[data-app-ready="1"]');
      await page.waitForFunction(() => location.hash.startsWith('#v=3&p=redundant-behind-lb'));
      assert.equal(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);
      assert.equal(await banner.isHidden(), true);
    } finally {
      await context.close();
    }
  });

  test('running out of memory after start-up is named in the banner', async () => {
    for (const raise of [
      // An allocation that cannot grow the memory, in a promise (unhandled rejection).
      async (page) =>
        page.evaluate(() => {
          Promise.reject(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'));
        }),
      // The allocator marks <html> before Rust aborts with `unreachable` (src/ui/memory.rs).
      async (page) => {
        await page.evaluate(() => document.documentElement.setAttribute('data-app-out-of-memory', '1'));
        await trapInPage(page);
      },
    ]) {
      const { page, context } = await openApp(browser, `${server.url}?embed=1&x#v=3&p=lb-spof&seed=3`, {
        viewport: { width: 900, height: 640 },
      });
      try {
        await raise(page);
        await page.locator('#panic-banner').waitFor({ state: 'visible' });
        assert.match(await page.textContent('#panic-title'), /ran out of memory/);
        // Embed mode stays embedded; the hash goes.
        assert.equal(await page.getAttribute('#panic-default', 'href'), '/?embed=1&x');
        await screenshot(page, 'hardening-oom-banner');
      } finally {
        await context.close();
      }
    }
  });

  test('a run too large for a link says so, keeps running and still exports', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      await page.setInputFiles('[data-control="import"]', {
        name: 'many-faults.json',
        mimeType: 'application/json',
        buffer: Buffer.from(manyFaults(3000)),
      });
      const note = page.locator('[data-link-too-long]');
      await note.waitFor();
      assert.match(await note.textContent(), /This run is too large for a link \([\d,]+ characters; links are limited to 131,072\): use Export JSON/);
      assert.equal(new URL(page.url()).hash, '', 'the address bar names no other run');
      const t0 = Number(await page.getAttribute(ROOT, 'data-sim-time-us'));
      await page.waitForFunction(([sel, t]) => Number(document.querySelector(sel)?.getAttribute('data-sim-time-us')) > t + 500_000, [ROOT, t0]);
      await page.click('[data-control="share"]');
      assert.match(await page.textContent('[data-share-refused]'), /too large for a link/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-json"]')]);
      assert.equal(download.suggestedFilename(), 'many-faults-seed1.json');
      await screenshot(page, 'hardening-too-long');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('links are built from the page path and query, whatever the query', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}?embed=1&x#v=3&p=lb-spof&seed=3`, {
      viewport: { width: 900, height: 640 },
    });
    try {
      assert.equal(await page.getAttribute('[data-control="open-full"]', 'href'), `${server.url}?x#v=3&p=lb-spof&seed=3`);
      await page.click('[data-control="embed"]');
      assert.match(
        await page.inputValue('[data-share-url]'),
        new RegExp(`<iframe src="${server.url.replace(/[.]/g, '\\.')}\\?x#v=3&amp;p=lb-spof&amp;seed=3&amp;embed=1"`),
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    const other = await openApp(browser, `${server.url}?foo`);
    try {
      await other.page.click('[data-control="share"]');
      assert.equal(await other.page.inputValue('[data-share-url]'), `${server.url}?foo#v=3&p=redundant-behind-lb&seed=1`);
      assert.deepEqual(other.errors, []);
    } finally {
      await other.context.close();
    }
  });
});
