// End-to-end tests of the app shell on the release build in dist/ (built by `make test`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, READY_SELECTOR, screenshot, serveAppAndBrowser, startServer } from './support.mjs';

const AREAS = ['header', 'controls', 'diagram', 'side', 'chart'];
const PRODUCT_NAME = 'Failover Lab';

describe('app shell', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('desktop: header, five areas, no console errors', async () => {
    const { page, context, errors } = await openApp(browser, server.url);
    try {
      assert.equal(await page.title(), PRODUCT_NAME);
      const heading = page.locator('[data-area="header"] h1');
      assert.equal((await heading.textContent())?.trim(), PRODUCT_NAME);
      assert.ok(await page.locator('[data-area="header"] .tagline').isVisible());

      for (const area of AREAS) {
        const locator = page.locator(`[data-area="${area}"]`);
        assert.equal(await locator.count(), 1, `exactly one ${area} area`);
        assert.ok(await locator.isVisible(), `${area} area is visible`);
      }

      // Wide layout: diagram and side panel side by side, chart under the diagram.
      const box = async (area) => page.locator(`[data-area="${area}"]`).boundingBox();
      const [diagram, side, chart] = [await box('diagram'), await box('side'), await box('chart')];
      assert.ok(side.x > diagram.x + diagram.width - 1, 'side panel is right of the diagram');
      assert.ok(chart.y > diagram.y + diagram.height - 1, 'chart is below the diagram');

      // The panic banner exists but stays hidden while nothing is wrong.
      assert.equal(await page.locator('#panic-banner').isHidden(), true);

      await screenshot(page, 'shell');
      assert.deepEqual(errors, [], 'no console errors or failed requests');
    } finally {
      await context.close();
    }
  });

  test('dark theme follows prefers-color-scheme', async () => {
    const { page, context, errors } = await openApp(browser, server.url, { colorScheme: 'dark' });
    try {
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = background.match(/\d+/g).map(Number);
      assert.ok(r + g + b < 120, `dark background expected, got ${background}`);
      await screenshot(page, 'shell-dark');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('375 px wide: areas stack in one column without horizontal scrolling', async () => {
    const { page, context, errors } = await openApp(browser, server.url, {
      viewport: { width: 375, height: 812 },
    });
    try {
      // The diagram and side areas dissolve into their parts on a phone (display: contents):
      // those parts are what must be visible.
      for (const selector of ['[data-area="header"]', '[data-area="controls"]', '.diagram-viewport',
        '[data-section="timeline"]', '[data-area="chart"]', '[data-section="inspector"]', '[data-section="log"]']) {
        assert.ok(await page.locator(selector).isVisible(), `${selector} visible`);
      }
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(widths.scroll <= widths.client, `no horizontal overflow: ${JSON.stringify(widths)}`);

      // On a phone the diagram comes first and the failure timeline right under it (issue
      // 19): the diagram and side panels dissolve into their parts, stacked in this order.
      const boxes = {};
      const parts = {
        controls: '[data-area="controls"]',
        diagram: '.diagram-viewport',
        timeline: '[data-section="timeline"]',
        chart: '[data-area="chart"]',
        inspector: '[data-section="inspector"]',
        log: '[data-section="log"]',
      };
      for (const [name, selector] of Object.entries(parts)) {
        boxes[name] = await page.locator(selector).boundingBox();
        assert.ok(boxes[name], `${name} has a box`);
      }
      const order = Object.keys(parts);
      for (let i = 1; i < order.length; i += 1) {
        const [a, b] = [boxes[order[i - 1]], boxes[order[i]]];
        assert.ok(b.y >= a.y + a.height - 1, `${order[i]} below ${order[i - 1]}`);
      }
      for (const [area, box] of Object.entries(boxes)) {
        assert.ok(box.x >= 0 && box.x + box.width <= 375, `${area} fits in 375 px`);
      }

      await screenshot(page, 'shell-375');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('works under a sub-path and inside an iframe (public_url = "./")', async () => {
    const nested = await startServer({
      prefix: '/nested/app/',
      pages: {
        '/embed.html':
          // An explicit empty icon: otherwise Chromium asks for /favicon.ico and logs the 404.
          '<!doctype html><title>embed</title><link rel="icon" href="data:,">' +
          '<iframe src="/nested/app/" title="Failover Lab" width="1000" height="700"></iframe>',
      },
    });
    try {
      const { page, context, errors } = await openApp(browser, `${nested.origin}/embed.html`, {
        waitForReady: false,
      });
      try {
        const frame = page.frameLocator('iframe');
        await frame.locator(READY_SELECTOR).waitFor({ timeout: 15_000 });
        assert.equal(
          (await frame.locator('[data-area="header"] h1').textContent())?.trim(),
          PRODUCT_NAME,
        );
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    } finally {
      await nested.close();
    }
  });

  test('a .wasm that fails to load shows the banner, not an endless loading message', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
      await page.goto(server.url);
      const banner = page.locator('#panic-banner');
      await banner.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await banner.textContent(), /could not start/);
      assert.equal(await page.locator('html').getAttribute('data-app-load-failed'), '1');
    } finally {
      await context.close();
    }
  });

  test('an error after start-up shows the error banner instead of a frozen page', async () => {
    // Release builds have no way to crash on purpose (`?debug=panic` is a debug-build hook:
    // tests/e2e/hardening.test.mjs checks that it does nothing here). What a WebAssembly trap
    // or an abort raises in the page is an uncaught RuntimeError: throw one after start-up.
    const { page, context } = await openApp(browser, server.url);
    try {
      await page.evaluate(() => {
        setTimeout(() => {
          throw new WebAssembly.RuntimeError('unreachable');
        });
      });
      const banner = page.locator('#panic-banner');
      await banner.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await banner.textContent(), /internal error/);
      assert.match(await page.locator('#panic-message').textContent(), /RuntimeError: unreachable/);
      assert.equal(await page.locator('html').getAttribute('data-app-panicked'), '1');
      assert.ok(await page.locator('#panic-reload').isVisible());
      assert.ok(await page.locator('#panic-default').isVisible());
      await screenshot(page, 'shell-panic');
    } finally {
      await context.close();
    }
  });
});
