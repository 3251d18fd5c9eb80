// Autoscaling (issue 13, "overload from a traffic spike with and without autoscaling
// headroom"), one journey per preset in the release build: the scaled-in instances are shown
// greyed at 0 s, the run goes past the spike (60–300 s) and past the launched instances'
// boot, the availability shown is the native run's, and a screenshot is kept
// (artifacts/screenshots/overload-traffic-spike.png, overload-autoscaling-headroom.png).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

// Native figures at 345 s, seed 1 (crates/failover-sim: `run(&preset(name), 1, 345)`,
// `snapshot().availability`): the wasm run must show the same.
const NATIVE_AVAILABILITY_345S = {
  'traffic-spike': '0.365730',
  'autoscaling-headroom': '1.000000',
};

describe('autoscaling presets', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  async function open(preset) {
    return openApp(browser, `${server.url}#v=3&p=${preset}&seed=1`, { viewport: { width: 1280, height: 1400 } });
  }

  const status = (page, name) => page.getAttribute(`[data-node-name="${name}"]`, 'data-status');
  const availability = (page) => page.getAttribute('[data-metric="availability"] dd', 'data-value');

  test('traffic-spike: the hot fleet collapses and its new instance arrives after the spike', async () => {
    const { page, context, errors } = await open('traffic-spike');
    for (const name of ['app-4', 'app-5', 'app-6']) assert.equal(await status(page, name), 'scaled in', name);
    assert.equal(await status(page, 'app-1'), 'up');
    const group = page.locator('.autoscaling-group[data-balancer="lb-1"]');
    assert.equal(await group.getAttribute('data-running'), '3');
    await runTo(page, 245);
    // The scale-out at 240 s: app-4 is booting, the formula is in the vendor's words.
    assert.equal(await status(page, 'app-4'), 'starting');
    assert.match(await page.locator('body').innerText(), /autoscaler: 3 → 4 instances \(utilisation \d+ % over 60 s, target 80 %\)/);
    await runTo(page, 345);
    assert.equal(await status(page, 'app-4'), 'up');
    assert.equal(await status(page, 'app-5'), 'scaled in');
    assert.equal(await group.getAttribute('data-running'), '4');
    assert.match(await group.textContent(), /desired capacity = ceil\(3 × 84\.6 % \/ 80 %\) = 4/);
    assert.equal(await availability(page), NATIVE_AVAILABILITY_345S['traffic-spike']);
    await screenshot(page, 'overload-traffic-spike');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('autoscaling-headroom: the same spike absorbed, then the group scales out to its max', async () => {
    const { page, context, errors } = await open('autoscaling-headroom');
    for (const name of ['app-6', 'app-7', 'app-8']) assert.equal(await status(page, name), 'scaled in', name);
    await runTo(page, 345);
    for (const name of ['app-6', 'app-7', 'app-8']) assert.equal(await status(page, name), 'up', name);
    const group = page.locator('.autoscaling-group[data-balancer="lb-1"]');
    assert.equal(await group.getAttribute('data-desired'), '8');
    assert.match(await group.textContent(), /ceil\(5 × 86\.7 % \/ 45 %\) = 10 → 8 \(the group's max\)/);
    assert.equal(await availability(page), NATIVE_AVAILABILITY_345S['autoscaling-headroom']);
    assert.equal(await page.getAttribute('[data-metric="failed"] dd', 'data-value'), '0');
    await screenshot(page, 'overload-autoscaling-headroom');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
