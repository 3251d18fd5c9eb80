// The Content-Security-Policy of index.html (issue #11, item 9): the release build in dist/
// carries it, has no inline script for it to block, and the app runs under it (playing,
// clicking, inspecting, sharing, exporting, embed mode) with no console error and no
// `securitypolicyviolation` event.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIST_DIR, screenshot, serveAppAndBrowser } from './support.mjs';

const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; " +
  "base-uri 'self'; form-action 'none'";

/** Records every CSP violation in the page, from before its first script runs. */
async function recordViolations(context) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
}

async function violations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/** Like openApp, with the violation recorder installed before the page loads. */
async function openRecorded(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  await recordViolations(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('[data-app-ready="1"]', { timeout: 15_000 });
  return { page, context, errors };
}

describe('content security policy', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('dist/index.html has the policy first in <head> and no inline script', async () => {
    const html = await readFile(join(DIST_DIR, 'index.html'), 'utf8');
    const head = html.slice(0, html.indexOf('</head>'));
    const csp = head.indexOf('http-equiv="Content-Security-Policy"');
    assert.ok(csp > 0, 'the policy is in <head>');
    for (const tag of head.match(/<(script|link)\b[^>]*>/g) ?? []) {
      assert.ok(head.indexOf(tag) > csp, `${tag} comes after the policy (a <meta> policy only covers what follows it)`);
    }
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length > 0, 'the boot script is there');
    for (const tag of scripts) {
      assert.match(tag, /\ssrc="[^"]+"/, `every script is a file: ${tag}`);
    }
    assert.doesNotMatch(html, /<script\b[^>]*>[^<]+<\/script>/, 'no inline script body');
    assert.match(html, /<meta name="failover-lab-app" data-js="\.\/failover-lab-web-[^"]+\.js" data-wasm="\.\/failover-lab-web-[^"]+_bg\.wasm"/);
  });

  test('the app loads under the policy: no violation, no console error', async () => {
    const { page, context, errors } = await openRecorded(browser, server.url);
    try {
      // The policy as delivered.
      const content = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.equal(content, POLICY);
      await page.waitForSelector('[data-node-name="app-1"]');
      assert.equal(await page.locator('#panic-banner').isHidden(), true);
      // A few frames of the running app.
      await page.waitForFunction(() => Number(document.querySelector('[data-lab]')?.getAttribute('data-sim-time-us')) > 500_000);
      // Inline style attributes (the diagram's size, the dots' canvas) are applied.
      assert.ok(await page.evaluate(() => document.querySelector('.diagram-stage')?.getAttribute('style')));
      await screenshot(page, 'csp-loaded');
      assert.deepEqual(await violations(page), [], 'no securitypolicyviolation event');
      assert.deepEqual(errors, [], 'no console error or failed request');
    } finally {
      await context.close();
    }
  });

  test('a whole session under the policy records no violation', async () => {
    const { page, context, errors } = await openRecorded(browser, server.url);
    try {
      // Crash a node from its menu, edit a balancer, fast-forward, share, export.
      await page.click('[data-node-name="app-2"]');
      await page.click('.node-menu [data-action="crash"]');
      await page.click('[data-node-name="lb-1"]');
      await page.keyboard.press('Escape');
      await page.fill('input[data-param="retries"]', '1');
      await page.press('input[data-param="retries"]', 'Enter');
      await page.fill('[data-control="run-to-input"]', '12');
      await page.click('[data-control="run-to"]');
      await page.waitForSelector('[data-failure-node="app-2"] .phase');
      await page.click('[data-control="share"]');
      await page.waitForSelector('[data-share-url]');
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-json"]')]);
      assert.match(json.suggestedFilename(), /\.json$/);
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-csv"]')]);
      assert.match(csv.suggestedFilename(), /\.csv$/);
      assert.deepEqual(await violations(page), [], 'no violation in the full layout');
      // Embed mode and the dark theme restyle everything.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto(`${server.url}?embed#v=3&p=multi-region-dns-failover&seed=2`);
      await page.waitForSelector('[data-app-ready="1"]');
      await page.waitForFunction(() => Number(document.querySelector('[data-lab]')?.getAttribute('data-sim-time-us')) > 500_000);
      await screenshot(page, 'csp-session-embed-dark');
      assert.deepEqual(await violations(page), [], 'no violation in embed mode');
      assert.deepEqual(errors, [], 'no console error');
    } finally {
      await context.close();
    }
  });

  test('the policy is enforced: an injected inline script is blocked and reported', async () => {
    // Proves the listener above would see a violation (the test is not vacuous).
    const context = await browser.newContext();
    await recordViolations(context);
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await page.waitForSelector('[data-app-ready="1"]', { timeout: 15_000 });
      const ran = await page.evaluate(async () => {
        window.__inlineRan = false;
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true;';
        document.body.append(s);
        await new Promise((r) => setTimeout(r, 100));
        return window.__inlineRan;
      });
      assert.equal(ran, false, 'inline script does not run');
      const seen = await violations(page);
      assert.ok(seen.some((v) => v.startsWith('script-src')), JSON.stringify(seen));
    } finally {
      await context.close();
    }
  });
});
