// End-to-end journeys through the visualizer on the release build in dist/: crash and heal by
// clicking, the single point of failure, share-link replay, embed mode, bad links, keyboard
// only, files, narrow screens. Each journey saves a screenshot under artifacts/screenshots/.
//
// Simulated time is advanced with the app's own "Run to" control (fast-forward within the
// frame budget, then pause), so the journeys wait on DOM state rather than wall-clock sleeps.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { nodeAction, openApp, pause, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const ROOT = '[data-lab]';
const DEFAULT_TITLE = 'Redundant instances behind a load balancer';

async function simTimeUs(page) {
  return Number(await page.getAttribute(ROOT, 'data-sim-time-us'));
}

async function traceHash(page) {
  return page.getAttribute(ROOT, 'data-trace-hash');
}

async function nodeStatus(page, node) {
  return page.getAttribute(`[data-node-name="${node}"]`, 'data-status');
}

describe('visualizer journeys', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('default preset: crash an instance by clicking, see it marked down and recovered', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      assert.equal(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);
      for (const name of ['clients', 'lb-1', 'app-1', 'app-2', 'app-3']) {
        assert.ok(await page.isVisible(`[data-node-name="${name}"]`), `${name} is drawn`);
      }
      await pause(page);
      await runTo(page, 5);
      const crashedAt = await simTimeUs(page);
      await nodeAction(page, 'app-1', 'crash');
      assert.match(page.url(), /c=5000:crash:app-1/, 'the command is in the link');

      // HAProxy defaults (inter 2 s, fall 3): marked down 4–6 s after the crash.
      await runTo(page, 11.5);
      // The process is still dead (node: crashed); the balancer has marked it down (badge).
      assert.equal(await nodeStatus(page, 'app-1'), 'crashed');
      assert.match(await page.getAttribute('[data-node-name="app-1"]', 'aria-label'), /connections refused/);
      const entry = page.locator('[data-failure-node="app-1"]');
      await entry.waitFor();
      const detected = Number(await entry.getAttribute('data-detected'));
      const window = (detected - crashedAt) / 1e6;
      assert.ok(window >= 4 && window <= 6, `marked down ${window} s after the crash (expected 4–6 s)`);
      const sentence = await entry.locator('.failure-text').textContent();
      assert.match(sentence, /^app-1 crashed at 5\.0 s, marked down \d\.\d s later \(lb-1 health check: fall=3 × inter=2(\.0)? s\), \d+ requests? lost, \d+ saved by retry/);
      // The balancer's view of app-1 is on the edge badge.
      assert.equal(await page.getAttribute('.badge[data-to="app-1"]', 'data-health'), 'down');

      await nodeAction(page, 'app-1', 'heal');
      // Boot (3 s) + rise 2 × inter 2 s → back in rotation.
      await runTo(page, 22);
      assert.equal(await nodeStatus(page, 'app-1'), 'up');
      assert.match(await entry.locator('.failure-text').textContent(), /back in rotation at/);
      assert.match(page.url(), /c=5000:crash:app-1,11500:heal:app-1/);
      await screenshot(page, 'visualizer-crash-and-heal');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('single server: crashing the only server takes availability down', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      await page.selectOption('[data-control="preset"]', 'single-server');
      await page.waitForSelector('[data-node-name="server"]');
      assert.match(page.url(), /p=single-server/);
      await pause(page);
      await runTo(page, 4);
      assert.equal(await page.getAttribute('[data-metric="availability"] dd', 'data-value'), '1.000000');
      await nodeAction(page, 'server', 'crash');
      await runTo(page, 12);
      assert.equal(await nodeStatus(page, 'server'), 'crashed');
      const availability = Number(await page.getAttribute('[data-metric="availability"] dd', 'data-value'));
      assert.ok(availability < 0.5, `availability ${availability} should fall far below 100 %`);
      assert.ok(Number(await page.getAttribute('[data-metric="failed"] dd', 'data-value')) > 500);
      // The stacked chart names the failure reason.
      assert.ok(await page.isVisible('.legend .key.r-refused'), 'connection refused in the legend');
      await screenshot(page, 'visualizer-single-server');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('zones: boxes inside regions, fail a whole zone from its box', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=two-zones&seed=1`);
    try {
      await pause(page);
      await runTo(page, 5);
      const zone = page.locator('.group-box.level-zone[data-domain="eu-west-b"]');
      assert.equal(await zone.getAttribute('data-down'), '0');
      assert.ok((await page.locator('.group-box.level-region').count()) >= 1, 'regions are boxed too');
      await zone.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('.node-menu[data-menu-for="eu-west-b"]');
      await page.click('.node-menu [data-action="fail"]');
      assert.match(page.url(), /c=5000:fail:eu-west-b/);
      await runTo(page, 15);
      assert.equal(await zone.getAttribute('data-down'), '1');
      assert.match(await zone.textContent(), /eu-west-b · down/);
      await page.locator('[data-failure-node="eu-west-b"]').waitFor();
      // The other zone carries the traffic: a zone outage costs little.
      const availability = Number(await page.getAttribute('[data-metric="availability"] dd', 'data-value'));
      assert.ok(availability > 0.95, `availability ${availability}`);
      // The zone and the instance in it fail in the same second: one chart label, not two
      // drawn over each other; the tooltip lists both.
      const labels = await page.locator('.marker.fault text').allTextContents();
      assert.deepEqual(labels, ['eu-west-b zone outage +1'], `chart labels ${JSON.stringify(labels)}`);
      assert.match(await page.locator('.marker.fault title').first().textContent(), /eu-west-b zone outage, \S+ /);
      await screenshot(page, 'visualizer-zone-down');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('full chain: partition two regions by clicking the link between them, then repair it', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover&seed=1`);
    try {
      await pause(page);
      // client -> DNS -> gateway -> balancer -> instance -> database, all drawn.
      for (const name of ['clients', 'clients-us-east', 'api.example.com', 'gw-eu', 'gw-us', 'lb-eu-a', 'eu-1', 'db-primary', 'db-standby']) {
        assert.equal(await page.locator(`[data-node-name="${name}"]`).count(), 1, `${name} is drawn`);
      }
      assert.equal(await page.getAttribute('.spof-note', 'data-spofs'), '0');
      await runTo(page, 5);
      const link = page.locator('.domain-link[data-link="eu-west|us-east"]');
      assert.equal(await link.getAttribute('aria-pressed'), 'false');
      await link.click();
      assert.match(page.url(), /c=5000:partition:eu-west:us-east/);
      await runTo(page, 20);
      assert.equal(await link.getAttribute('aria-pressed'), 'true');
      assert.match(await page.textContent('.overlay-note.partition'), /eu-west ⟂ us-east/);
      // The us-east users cannot reach gw-eu any more: about 40 % of the requests fail.
      const availability = Number(await page.getAttribute('[data-metric="availability"] dd', 'data-value'));
      assert.ok(availability < 0.9, `availability ${availability}`);
      await screenshot(page, 'visualizer-partition');
      await link.focus();
      await page.keyboard.press('Enter');
      assert.match(page.url(), /20000:repair:eu-west:us-east/);
      await runTo(page, 22);
      assert.equal(await link.getAttribute('aria-pressed'), 'false');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('database failover: the standby is promoted and the RPO counter shows lost writes', async () => {
    // Seed 3: asynchronous replication loses the writes still on their way to the standby
    // (about 60 writes/s × 35 ms one way ≈ 2 expected, Poisson). Seed 1 happens to lose none
    // (`failover-lab run db-async-vs-sync --seed 1 --duration 62 --json`: writes_lost 0;
    // seed 3: 4), so it could not show that the counter counts.
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=db-async-vs-sync&seed=3`);
    try {
      await pause(page);
      assert.equal(await page.textContent('[data-db="leader"]'), 'db-primary');
      await runTo(page, 62);
      assert.equal(await page.textContent('[data-db="leader"]'), 'db-standby');
      assert.match(await page.textContent('.log-body'), /db-standby promoted to primary/);
      const rpo = page.locator('[data-panel="database"] [data-db="rpo"]');
      const lost = Number(await rpo.getAttribute('data-value'));
      assert.ok(lost > 0, `writes lost at failover: ${lost}`);
      assert.equal(await rpo.textContent(), `${lost} writes`);
      assert.equal(await page.getAttribute('[data-db="failovers"]', 'data-value'), '1');
      assert.match(await page.textContent('[data-panel="reliability"]'), /Infrastructure/);
      await page.locator('[data-panel="database"]').scrollIntoViewIfNeeded();
      await screenshot(page, 'visualizer-db-failover');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('share link round trip reproduces the same trace hash', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    let link;
    let hash;
    try {
      await pause(page);
      await runTo(page, 3);
      await nodeAction(page, 'app-3', 'crash');
      await page.click('[data-node-name="lb-1"]');
      await page.keyboard.press('Escape');
      await page.fill('input[data-param="retries"]', '0');
      await page.press('input[data-param="retries"]', 'Enter');
      await runTo(page, 15);
      hash = await traceHash(page);
      await page.click('[data-control="share"]');
      const field = page.locator('[data-share-url]');
      await field.waitFor();
      link = await field.inputValue();
      assert.match(link, /#v=3&p=redundant-behind-lb&seed=1&c=3000:crash:app-3,3000:set:lb-1:retries:0$/);
      await screenshot(page, 'visualizer-share');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    const second = await openApp(browser, link);
    try {
      await runTo(second.page, 15);
      assert.equal(await traceHash(second.page), hash, 'same link, same run');
      assert.equal(second.page.url(), link, 'the link is kept as given (replaceState)');
      assert.deepEqual(second.errors, []);
    } finally {
      await second.context.close();
    }
  });

  test('embed mode: compact layout without the header', async () => {
    for (const url of [`${server.url}?embed`, `${server.url}#v=3&p=lb-spof&seed=3&embed=1`]) {
      const { page, context, errors } = await openApp(browser, url, { viewport: { width: 900, height: 640 } });
      try {
        await page.waitForSelector('[data-node-name="lb-1"]');
        assert.equal(await page.locator('[data-area="header"]').count(), 0, `${url}: no header`);
        assert.ok(await page.isVisible('[data-area="diagram"]'));
        assert.ok(await page.isVisible('text=Open in Failover Lab'));
        assert.match(page.url(), /embed=1/, 'embed mode stays in the link');
        if (url.includes('lb-spof')) {
          assert.equal(await page.inputValue('[data-control="seed"]'), '3');
          await screenshot(page, 'visualizer-embed');
        }
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
    // The embed button copies an iframe snippet.
    const { page, context } = await openApp(browser, server.url);
    try {
      await page.click('[data-control="embed"]');
      const snippet = await page.locator('[data-share-url]').inputValue();
      // Issue 14: inside an aspect-ratio wrapper, titled with the scenario (sizes: learn.test.mjs).
      assert.match(snippet, /^<div style="[^"]*aspect-ratio:16\/9"><iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=3&amp;p=redundant-behind-lb&amp;seed=1&amp;embed=1" title="Failover Lab: /);
    } finally {
      await context.close();
    }
  });

  test('a bad link shows the error and opens the default preset', async () => {
    const bad = `${server.url}#v=3&p=redundant-behind-lb&c=1000:explode:app-2`;
    const { page, context, errors } = await openApp(browser, bad);
    try {
      const notice = page.locator('[data-notice="error"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /could not be opened: command 1: `1000:explode:app-2`: unknown action `explode`/);
      assert.equal(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);
      // The link is not lost: it stays in the address bar (until the user changes something)
      // and in the message, to copy.
      assert.equal(page.url(), bad, 'the address keeps the link');
      assert.equal(await page.inputValue('[data-copy-text]'), bad);
      await screenshot(page, 'visualizer-bad-link');
      // Not an app error: nothing in the console.
      assert.deepEqual(errors, []);
      // A second bad link pasted into the same tab (hashchange) is reported too.
      await page.evaluate(() => { location.hash = '#v=9&p=x'; });
      await page.waitForFunction(() => document.querySelector('[data-notice="error"]')?.textContent.includes('version 9'));
    } finally {
      await context.close();
    }
  });

  test('an older (version 2) link replays with a note that the run differs', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=2&p=single-server&seed=4&c=5000:crash:server`);
    try {
      const notice = page.locator('[data-notice="info"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /earlier version of Failover Lab \(link version 2\)/);
      assert.notEqual(await page.textContent('[data-scenario-title]'), DEFAULT_TITLE);
      assert.match(page.url(), /#v=3&p=single-server&seed=4&c=5000:crash:server$/, 'rewritten at version 3');
      await screenshot(page, 'visualizer-older-link');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('keyboard only: Tab to a node, Enter, choose crash', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      let found = false;
      for (let i = 0; i < 40 && !found; i += 1) {
        await page.keyboard.press('Tab');
        found = await page.evaluate(() => document.activeElement?.getAttribute('data-node-name') === 'app-2');
      }
      assert.ok(found, 'app-2 is reachable with Tab');
      // The focus ring is visible on the focused node.
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector('.node-focus')).opacity);
      assert.equal(ring, '1');
      await screenshot(page, 'visualizer-keyboard-focus');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.node-menu[data-menu-for="app-2"]');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-action')), 'crash');
      await page.keyboard.press('Enter');
      // Still playing: the command is applied at the next simulated millisecond.
      await page.waitForSelector('[data-node-name="app-2"][data-status="crashed"]');
      // Focus is back on the node, and Escape closes a reopened menu.
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-name')), 'app-2');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.node-menu');
      await page.keyboard.press('Escape');
      await page.waitForSelector('.node-menu', { state: 'detached' });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('scenario files: export, re-import (same run), bad file, metrics CSV', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      await pause(page);
      await runTo(page, 2);
      await nodeAction(page, 'app-2', 'unreachable');
      await runTo(page, 8);
      const hash = await traceHash(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-json"]')]);
      assert.equal(download.suggestedFilename(), 'redundant-behind-lb-seed1.json');
      const json = await readFile(await download.path(), 'utf8');
      assert.match(json, /"action": "unreachable"/);

      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-csv"]')]);
      const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
      assert.match(rows[0], /^second,sent,succeeded,failed,failed_no_healthy_target,failed_connection_refused,/);
      // The values, not only the header: one row per simulated second 0..8 (8 is the second
      // just begun), each row consistent with itself, and the columns adding up to the totals
      // the page shows.
      const header = rows[0].split(',');
      const col = (name) => header.indexOf(name);
      const data = rows.slice(1).map((r) => r.split(','));
      assert.deepEqual(data.map((r) => Number(r[0])), [0, 1, 2, 3, 4, 5, 6, 7, 8], 'one row per second');
      const reasons = header.filter((h) => h.startsWith('failed_')).map(col);
      assert.equal(reasons.length, 8);
      let [succeeded, failed] = [0, 0];
      for (const r of data) {
        assert.equal(r.length, header.length);
        const [ok, bad] = [Number(r[col('succeeded')]), Number(r[col('failed')])];
        assert.equal(bad, reasons.reduce((sum, i) => sum + Number(r[i]), 0), `second ${r[0]}: failed = sum of reasons`);
        if (ok + bad > 0) assert.equal(r[col('availability')], (ok / (ok + bad)).toFixed(6));
        succeeded += ok;
        failed += bad;
      }
      // A full second at 200 requests/s: Poisson, within 4.5 √200 ≈ 64.
      for (const r of data.slice(0, 8)) assert.ok(Math.abs(Number(r[col('sent')]) - 200) <= 64, `sent ${r[col('sent')]} in second ${r[0]}`);
      assert.equal(failed, Number(await page.getAttribute('[data-metric="failed"] dd', 'data-value')));
      const shown = Number(await page.getAttribute('[data-metric="availability"] dd', 'data-value'));
      assert.ok(Math.abs(shown - succeeded / (succeeded + failed)) < 1e-6, `${shown} vs ${succeeded}/${succeeded + failed}`);

      await page.setInputFiles('[data-control="import"]', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(json) });
      await page.waitForSelector('[data-notice="info"]');
      assert.match(page.url(), /#v=3&s=/, 'an imported scenario travels in the link');
      await pause(page);
      await runTo(page, 8);
      assert.equal(await traceHash(page), hash, 'the exported file replays the run');

      const bad = json.replace('"rise": 2', '"rise": 0').replace('"preset": "haproxy"', '"preset": "haproxy", "rise": 0');
      const imported = { url: page.url(), title: await page.textContent('[data-scenario-title]'), hash: await traceHash(page) };
      await page.setInputFiles('[data-control="import"]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
      const notice = page.locator('[data-notice="error"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /bad\.json is not a valid scenario:\s*balancers\[0\]\.health_check\.rise: must be between 1 and 10, got 0/);
      // A bad file changes nothing: the imported run stays, with its address and state.
      assert.deepEqual(
        { url: page.url(), title: await page.textContent('[data-scenario-title]'), hash: await traceHash(page) },
        imported,
      );
      await screenshot(page, 'visualizer-bad-file');

      // A file that is not even JSON (cut off inside a key) is refused with serde's position.
      // (The path printed before it is `?` today, not `scenario JSON`: a bug of
      // parse_scenario, see crates/failover-sim/tests/validation.rs.)
      await page.setInputFiles('[data-control="import"]', { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(json.slice(0, 40)) });
      await page.waitForFunction(() => document.querySelector('[data-notice="error"]')?.textContent.includes('cut.json'));
      assert.match(await notice.textContent(), /cut\.json: .*EOF while parsing a string at line 3 column \d+/);
      // …and changes nothing either: the imported run (titled by its name) stays.
      assert.equal(await page.textContent('[data-scenario-title]'), imported.title);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('narrow screen and dark theme: stacked, vertical diagram, no horizontal scroll', async () => {
    const { page, context, errors } = await openApp(browser, server.url, {
      viewport: { width: 375, height: 812 },
      colorScheme: 'dark',
    });
    try {
      await page.waitForSelector('.diagram-stage[data-orientation="vertical"]');
      await runTo(page, 24);
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(widths[0] <= widths[1], `no horizontal overflow: ${widths}`);
      await page.click('[data-node-name="app-2"]');
      await page.waitForSelector('.node-menu');
      await screenshot(page, 'visualizer-375-dark');
      await page.keyboard.press('Escape');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('prefers-reduced-motion: no moving dots, edges glow instead', async () => {
    // What the animation canvas holds, two frames from now (while the run plays): pixels
    // painted at all, pixels in the grey of request dots (rgba(71, 85, 105, 0.85), light
    // theme), and pixels in the green of the edge glow (rgb(0, 158, 115), partly opaque).
    const installCounter = (page) =>
      page.evaluate(() => {
        window.canvasPixels = () => {
          const c = document.querySelector('canvas.diagram-overlay');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          const near = (i, rgb) => rgb.every((v, k) => Math.abs(d[i + k] - v) <= 12);
          const px = { painted: 0, dots: 0, glow: 0 };
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] === 0) continue;
            px.painted += 1;
            if (near(i, [71, 85, 105])) px.dots += 1;
            if (near(i, [0, 158, 115])) px.glow += 1;
          }
          return px;
        };
      });
    const nextFrames = (page) =>
      page.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.canvasPixels())))),
      );
    const note = 'text=reduced motion: edge glow shows traffic';
    const playingPast = (page, us) =>
      page.waitForFunction(
        ([sel, t]) => {
          const root = document.querySelector(sel);
          return root?.getAttribute('data-playing') === '1' && Number(root.getAttribute('data-sim-time-us')) > t;
        },
        [ROOT, us],
      );

    const reduced = await openApp(browser, server.url, { viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
    try {
      const { page } = reduced;
      await page.waitForSelector(note);
      await installCounter(page);
      await playingPast(page, 1_500_000);
      // Ten pairs of frames while the run plays: never a dot, and the edges glow.
      let glow = 0;
      for (let i = 0; i < 10; i += 1) {
        const px = await nextFrames(page);
        assert.equal(px.dots, 0, `frame pair ${i}: no request dots: ${JSON.stringify(px)}`);
        assert.ok(px.glow >= 0.8 * px.painted, `frame pair ${i}: only glow is painted: ${JSON.stringify(px)}`);
        glow = Math.max(glow, px.glow);
      }
      assert.ok(glow > 1_000, `the edges glow: ${glow} pixels`);
      assert.equal(await page.locator('text=/^sampled 1\\//').count(), 0, 'no sampling note without dots');
      await pause(page);
      await runTo(page, 4);
      await screenshot(page, 'visualizer-reduced-motion');
      assert.deepEqual(reduced.errors, []);
    } finally {
      await reduced.context.close();
    }

    // The same page without the preference: request dots and no note, so the media query is
    // what changed the drawing.
    const moving = await openApp(browser, server.url, { viewport: { width: 1280, height: 860 } });
    try {
      const { page } = moving;
      await installCounter(page);
      await playingPast(page, 1_500_000);
      await page.waitForFunction(() => window.canvasPixels().dots > 0);
      assert.equal(await page.locator(note).count(), 0);
      assert.deepEqual(moving.errors, []);
    } finally {
      await moving.context.close();
    }
  });

  test('the error banner names the link of the run to reproduce it', async () => {
    const link = `${server.url}#v=3&p=single-server&seed=42`;
    const { page, context } = await openApp(browser, link);
    try {
      // A trap after start-up (see hardening.test.mjs): the banner keeps the run's link.
      await page.evaluate(() => {
        setTimeout(() => {
          throw new WebAssembly.RuntimeError('unreachable');
        });
      });
      await page.locator('#panic-banner').waitFor({ state: 'visible', timeout: 15_000 });
      const text = await page.locator('#panic-banner').textContent();
      assert.ok(text.includes(`Link of the run: ${link}`), text);
    } finally {
      await context.close();
    }
  });
});
