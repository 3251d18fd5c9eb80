// Gray failures and recovery (issue 13, second half): each new preset in the release build,
// its story on the diagram (ejected / draining / slow start badges) and in the event log,
// and the new commands from a node's menu. One screenshot per preset in artifacts/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, pause, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const ROOT = '[data-lab]';

/** Opens `preset`, paused, run to `seconds`. */
async function openAt(browser, server, preset, seconds) {
  const opened = await openApp(browser, `${server.url}#v=3&p=${preset}&seed=1`, {
    viewport: { width: 1280, height: 1000 },
  });
  await pause(opened.page);
  await runTo(opened.page, seconds);
  return opened;
}

/** The event log's text once it mentions `pattern` (panels refresh at a human rate). */
async function logMentions(page, pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('.event-log')?.textContent ?? ''),
    pattern.source,
    { timeout: 15_000 },
  );
  return page.textContent('.event-log');
}

async function badges(page) {
  return page.$$eval('.badge', (els) =>
    els.map((b) => ({ health: b.getAttribute('data-health'), text: b.querySelector('.badge-text')?.textContent ?? '' })),
  );
}

describe('gray failures and recovery', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('outlier-detection: traffic ejects a gray failure its checks miss', async () => {
    const { page, context, errors } = await openAt(browser, server, 'outlier-detection', 25);
    await page.waitForSelector('.badge[data-health="ejected"]', { timeout: 15_000 });
    assert.match(await logMentions(page, /outlier detection: 5 consecutive 5xx/), /ejected for 30\.0 s/);
    await screenshot(page, 'recovery-outlier-detection');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('slow-start: the recovered instance ramps up, its badge shows the weight share', async () => {
    const { page, context, errors } = await openAt(browser, server, 'slow-start', 45);
    await page.waitForSelector('.badge[data-health="slow start"]', { timeout: 15_000 });
    const ramp = (await badges(page)).find((b) => b.health === 'slow start');
    assert.match(ramp.text, /^slow start \d+ %$/);
    assert.match(await logMentions(page, /starts slowly/), /haproxy slow start over 1 min 0 s/);
    await screenshot(page, 'recovery-slow-start');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('thundering-herd: the cold instance gets its full share at once', async () => {
    const { page, context, errors } = await openAt(browser, server, 'thundering-herd', 45);
    assert.match(await logMentions(page, /starts cold/), /10× as long/);
    assert.ok(!(await badges(page)).some((b) => b.health === 'slow start'), 'no slow start here');
    await screenshot(page, 'recovery-thundering-herd');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('bad-config-push: every instance fails its checks at once', async () => {
    const { page, context, errors } = await openAt(browser, server, 'bad-config-push', 30);
    assert.match(await logMentions(page, /pushed to all 3 targets at once/), /marked app-3 DOWN/);
    const down = (await badges(page)).filter((b) => b.health === 'down');
    assert.equal(down.length, 3, JSON.stringify(await badges(page)));
    await screenshot(page, 'recovery-bad-config-push');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('canary-rollout: one batch fails, the rollout halts and rolls back', async () => {
    const { page, context, errors } = await openAt(browser, server, 'canary-rollout', 45);
    const log = await logMentions(page, /rollout halted after batch 1/);
    assert.match(log, /2 targets never got the config/);
    await screenshot(page, 'recovery-canary-rollout');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('shared-dependency: one auth service down, every redundant path fails', async () => {
    const { page, context, errors } = await openAt(browser, server, 'shared-dependency', 30);
    assert.notEqual(await page.getAttribute('[data-node-name="auth-service"]', 'data-status'), 'up');
    for (const app of ['app-1', 'app-2', 'app-3']) {
      assert.equal(await page.getAttribute(`[data-node-name="${app}"]`, 'data-status'), 'up', app);
    }
    await screenshot(page, 'recovery-shared-dependency');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('node menu: drain an instance, then start a canary from the balancer', async () => {
    const { page, context, errors } = await openAt(browser, server, 'redundant-behind-lb', 2);
    await page.click('[data-node-name="app-2"]');
    await page.waitForSelector('.node-menu[data-menu-for="app-2"]');
    await page.click('.node-menu [data-action="drain"]');
    await page.waitForSelector('.node-menu', { state: 'detached' });
    await runTo(page, 4);
    await page.waitForSelector('.badge[data-health="draining"]', { timeout: 15_000 });
    await page.click('[data-node-name="lb-1"]');
    await page.waitForSelector('.node-menu[data-menu-for="lb-1"]');
    await page.click('.node-menu [data-action="canary"]');
    await page.waitForSelector('.node-menu', { state: 'detached' });
    await runTo(page, 40);
    assert.match(await logMentions(page, /rollout halted after batch 1/), /draining/);
    await screenshot(page, 'recovery-node-menu');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
