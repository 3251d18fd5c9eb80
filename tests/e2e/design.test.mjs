// Design your own (issue #15): start from `single-server`, add a load balancer and two
// instances by clicking, watch the SPOF sentence move, crash an instance, compare with the
// original side by side, share the link and reopen it (the same trace hash on both sides),
// and estimate the edited design over 200 seeds against the CLI run on its exported file.
// (The estimate comes before the crash: it measures the design's random failures, not clicks.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openApp, REPO_ROOT, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const RUNS = 200;
const DURATION_S = 60;
const SEED = 1;

function cliBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(REPO_ROOT, 'target');
  const bin = join(targetDir, 'debug', 'failover-lab');
  if (!existsSync(bin)) {
    execFileSync('cargo', ['build', '--bin', 'failover-lab'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  return bin;
}

const spofText = (page) => page.locator('[data-area="diagram"] .spof-note').first().textContent();
const rootAttr = (page, name) => page.locator('[data-lab]').getAttribute(name);

async function addByClicking(page, kind, expectName) {
  await page.click(`[data-edit-add="${kind}"]`);
  const form = page.locator(`[data-edit-form="${kind}"]`);
  await form.waitFor();
  assert.equal(await form.locator('[data-edit-field="name"]').inputValue(), expectName);
  await form.locator('[data-control="edit-apply"]').click();
  await page.locator(`[data-area="diagram"] [data-node-name="${expectName}"]`).first().waitFor();
  await form.waitFor({ state: 'detached' });
}

describe('design', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('single server → balanced tier, compare with the original, share and reopen, estimate', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=single-server&seed=${SEED}`);
    assert.match(await spofText(page), /server/);
    await screenshot(page, 'design-start');

    // A balancer in front of the server (clients move to it), then two more instances.
    await page.click('[data-edit-add="balancer"]');
    await page.locator('[data-edit-form="balancer"]').waitFor();
    await screenshot(page, 'design-add-form');
    await page.locator('[data-edit-form="balancer"] [data-control="edit-apply"]').click();
    await page.locator('[data-area="diagram"] [data-node-name="lb-1"]').first().waitFor();
    assert.match(await spofText(page), /lb-1/);
    await addByClicking(page, 'instance', 'server-1');
    await addByClicking(page, 'instance', 'server-2');
    // The run restarted paused at 0 s with the new design's figures.
    assert.equal(await rootAttr(page, 'data-sim-time-us'), '0');
    const spofs = await spofText(page);
    assert.match(spofs, /lb-1/);
    assert.doesNotMatch(spofs, /\bserver\b(?!-)/, `the server is no longer a SPOF: ${spofs}`);
    assert.match(page.url(), /e=ab:lb-1::server,en:lb-1,ai:server-1:::lb-1,ai:server-2:::lb-1/);

    // A refused edit says why next to the form and changes nothing.
    const urlBefore = page.url();
    await page.click('[data-edit-add="instance"]');
    await page.fill('[data-edit-form="instance"] [data-edit-field="name"]', 'server-1');
    await page.click('[data-edit-form="instance"] [data-control="edit-apply"]');
    await assert.doesNotReject(
      page.locator('[data-edit-form="instance"] [data-edit-error]', { hasText: 'already used' }).waitFor({ timeout: 5_000 }),
    );
    await page.keyboard.press('Escape');
    assert.equal(page.url(), urlBefore);

    // Undo / redo from the keyboard.
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Control+z');
    await page.locator('[data-area="diagram"] [data-node-name="server-2"]').first().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+z');
    await page.locator('[data-area="diagram"] [data-node-name="server-2"]').first().waitFor();
    await screenshot(page, 'design-edited');

    // Export JSON gives the edited scenario; 200 seeds of it in the page equal the CLI's
    // run of that file (before any click: the estimate is of the design, not of the clicks).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-control="export-json"]')]);
    const dir = mkdtempSync(join(tmpdir(), 'design-'));
    const file = join(dir, 'edited.json');
    await download.saveAs(file);
    const out = execFileSync(
      cliBinary(),
      ['run', file, '--runs', String(RUNS), '--seed', String(SEED), '--duration', String(DURATION_S), '--json'],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(out.toString());
    const mean = (key) => report.per_run.reduce((sum, r) => sum + r[key], 0) / report.per_run.length;
    writeFileSync(join(dir, 'cli.json'), out);
    const panel = page.locator('[data-panel="estimate"]');
    await panel.scrollIntoViewIfNeeded();
    await panel.locator('[data-estimate="runs"]').fill(String(RUNS));
    await panel.locator('[data-estimate="runs"]').dispatchEvent('change');
    await panel.locator('[data-estimate="duration"]').fill(String(DURATION_S));
    await panel.locator('[data-estimate="duration"]').dispatchEvent('change');
    await panel.locator('[data-control="estimate"]').click();
    await panel.locator('[data-estimate-result]').waitFor({ timeout: 180_000 });
    const cell = async (row) =>
      (await panel.locator(`[data-estimate-row="${row}"] td`).first().textContent()).trim();
    const pct = (x) => `${(100 * x).toFixed(3)} %`;
    assert.equal(await cell('requests'), pct(mean('availability')));
    assert.equal(await cell('time'), pct(mean('availability_over_time')));
    await screenshot(page, 'design-estimate');
    // Crash one instance from its menu, then compare with the design before the edits.
    await page.locator('[data-area="diagram"] [data-node-name="server-1"]').first().click();
    await page.locator('.node-menu [data-action="crash"]').click();
    await page.selectOption('[data-control="compare"]', '-');
    const table = page.locator('[data-compare-table]');
    await table.waitFor({ timeout: 30_000 });
    await runTo(page, 30);
    await page.waitForFunction(
      () => document.querySelector('[data-compare-side="b"]')?.getAttribute('data-sim-time-us') === '30000000',
      null,
      { timeout: 30_000 },
    );
    const cells = async (row) =>
      Promise.all(['a', 'b'].map((s) => table.locator(`[data-row="${row}"] [data-side="${s}"]`).textContent()));
    const [availA, availB] = await cells('availability');
    const [spofA, spofB] = await cells('spofs');
    assert.match(spofA, /lb-1/);
    assert.match(spofB, /server/);
    assert.notEqual(availA, availB);
    const [costA, costB] = await cells('cost');
    assert.notEqual(costA, costB, 'three instances and a balancer cost more than one server');
    await page.locator('[data-compare]').scrollIntoViewIfNeeded();
    await screenshot(page, 'design-compare');
    const before = {
      main: await rootAttr(page, 'data-trace-hash'),
      a: await page.locator('[data-compare-side="a"]').getAttribute('data-trace-hash'),
      b: await page.locator('[data-compare-side="b"]').getAttribute('data-trace-hash'),
    };
    assert.equal(before.a, before.main);
    assert.notEqual(before.a, before.b);

    // Share the link and reopen it: both sides replay to the same trace hashes.
    await page.click('[data-control="share"]');
    const link = await page.locator('[data-share-url]').getAttribute('data-share-url');
    assert.match(link, /vs=-/);
    assert.match(link, /e=/);
    const reopened = await openApp(browser, link);
    await reopened.page.locator('[data-compare-table]').waitFor({ timeout: 30_000 });
    await runTo(reopened.page, 30);
    await reopened.page.waitForFunction(
      () => document.querySelector('[data-compare-side="b"]')?.getAttribute('data-sim-time-us') === '30000000',
      null,
      { timeout: 30_000 },
    );
    assert.equal(await rootAttr(reopened.page, 'data-trace-hash'), before.main);
    assert.equal(await reopened.page.locator('[data-compare-side="a"]').getAttribute('data-trace-hash'), before.a);
    assert.equal(await reopened.page.locator('[data-compare-side="b"]').getAttribute('data-trace-hash'), before.b);
    await screenshot(reopened.page, 'design-reopened');
    assert.deepEqual(reopened.errors, []);
    await reopened.context.close();

    assert.deepEqual(errors, []);
    await context.close();
  });
});
