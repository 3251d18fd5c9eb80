// Issue 19 journeys: what the screen says is true and plain. Each item of the issue is read
// back from the page (numbers, attributes, boxes), not only looked at; each journey saves a
// screenshot artifacts/screenshots/plain-*.png.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, runTo, screenshot, serveAppAndBrowser } from './support.mjs';

const PHONE = { width: 390, height: 844 };

/** `runTo`, then a wait for the panels' last refresh (they refresh at a human rate). */
async function runToSettled(page, seconds) {
  await runTo(page, seconds);
  await page.waitForTimeout(250);
}

/**
 * Screenshot of the diagram: scrolled to sit just under the sticky run bar (an element
 * screenshot would show the bar on top of the diagram's first row).
 */
async function diagramShot(page, name) {
  await page.evaluate(() => {
    const bar = document.querySelector('[data-area="controls"]').getBoundingClientRect();
    const stage = document.querySelector('.diagram-stage').getBoundingClientRect();
    window.scrollBy(0, stage.top - bar.bottom - 8);
  });
  await page.screenshot({ path: `artifacts/screenshots/${name}.png` });
}

/** "$20,000" → 20000. */
const dollars = (text) => Number(text.replace(/[$,]/g, ''));

/** Every pair of boxes that intersect by more than `slack` px in both directions. */
function overlapping(boxes, slack = 0.5) {
  const pairs = [];
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i];
      const b = boxes[j];
      const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dx > slack && dy > slack) pairs.push([a.label, b.label]);
    }
  }
  return pairs;
}

describe('plain and true (issue 19)', () => {
  let server;
  let browser;
  serveAppAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('numbers: the async database preset loses writes at its own seed, and when picked from the list', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=db-async-vs-sync`);
    try {
      await runToSettled(page, 70);
      const lost = Number(await page.getAttribute('[data-db="rpo"]', 'data-value'));
      assert.ok(lost > 0, `lost writes at the preset's own seed: ${lost}`);
      assert.match(await page.textContent('[data-db="rpo"]'), /^[1-9]\d* writes?/);
      await screenshot(page, 'plain-db-lost-writes');

      // Picked from the list, the run keeps the current random seed (1): still a loss.
      await page.goto(`${server.url}#v=3&p=redundant-behind-lb`);
      await page.waitForSelector('[data-scenario-title]');
      await page.selectOption('[data-control="preset"]', 'db-async-vs-sync');
      await page.waitForSelector('[data-db="rpo"]');
      await runToSettled(page, 70);
      const lostFromList = Number(await page.getAttribute('[data-db="rpo"]', 'data-value'));
      assert.ok(lostFromList > 0, `lost writes when picked from the list: ${lostFromList}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('numbers: the bank cost line, minutes × price per minute = the dollars beside it', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=bank`);
    try {
      for (const key of ['downtime', 'measured']) {
        const row = page.locator(`[data-cost="${key}"]`);
        const label = await row.locator('dt').textContent();
        const amount = await row.locator('dd').textContent();
        // "Expected downtime (2.82 s = 0.0470 min × $20,000 / min)" and "$941 / month".
        const m = label.match(/([\d.,]+) min × (\$[\d,.]+) \/ min/);
        assert.ok(m, `${key}: minutes and price are shown: ${label}`);
        const minutes = Number(m[1].replace(/,/g, ''));
        const perMinute = dollars(m[2]);
        const shown = dollars(amount.replace(' / month', ''));
        if (key === 'downtime') {
          assert.ok(minutes > 0, `the bank expects some downtime, not "0.0 min": ${label}`);
          assert.ok(shown > 0, amount);
        }
        // Three significant digits and whole dollars: equal within that rounding.
        const tolerance = Math.max(1, shown * 0.006);
        assert.ok(Math.abs(minutes * perMinute - shown) <= tolerance,
          `${key}: ${minutes} min × $${perMinute} = ${minutes * perMinute}, shown ${amount}`);
      }
      await page.locator('[data-panel="reliability"]').scrollIntoViewIfNeeded();
      await page.locator('[data-panel="reliability"]').screenshot({ path: 'artifacts/screenshots/plain-bank-cost.png' });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('numbers: a client population pill shows its req/s = share × total rate, and the % apart', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover`);
    try {
      const pops = await page.$$eval('.node.kind-clients', (nodes) => nodes.map((n) => ({
        name: n.getAttribute('data-node-name'),
        pill: n.querySelector('.pill-text')?.textContent ?? '',
        title: n.querySelector(':scope > title')?.textContent ?? '',
      })));
      assert.ok(pops.length >= 2, 'several populations');
      let sum = 0;
      for (const p of pops) {
        // Wide nodes: "90 req/s · 60 %"; narrow ones: "90 req/s", the share on the line under.
        const pill = p.pill.match(/^([\d.]+) req\/s(?: · ([\d.]+) %)?$/);
        assert.ok(pill, `${p.name}: pill says req/s: "${p.pill}"`);
        const title = p.title.match(/([\d.]+) % of the traffic: ([\d.]+) of ([\d.]+) requests\/s/);
        assert.ok(title, `${p.name}: share, rate and total in the title: ${p.title}`);
        const total = Number(title[3]);
        const rate = Number(pill[1]);
        const share = Number(pill[2] ?? title[1]) / 100;
        assert.equal(rate, Number(title[2]), 'the pill and the title agree');
        assert.ok(Math.abs(rate - share * total) <= 0.5 + total * 0.005,
          `${p.name}: ${rate} req/s = ${share} × ${total}`);
        sum += rate;
        if (pops.indexOf(p) === pops.length - 1) {
          assert.ok(Math.abs(sum - total) <= 1, `the populations add up to the total: ${sum} vs ${total}`);
        }
      }
      await diagramShot(page, 'plain-population-pills');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('numbers: the reliability panel labels what each availability figure counts', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover`);
    try {
      await runToSettled(page, 60);
      const rows = await page.$$eval('[data-availability]', (trs) => trs.map((tr) => ({
        key: tr.getAttribute('data-availability'),
        label: tr.querySelector('th')?.textContent ?? '',
        counts: tr.querySelector('[data-counts]')?.textContent ?? '',
      })));
      assert.deepEqual(rows.map((r) => r.key), ['analytic', 'over-time', 'requests']);
      assert.match(rows[0].counts, /^model/, 'the expectation is the model');
      assert.match(rows[1].counts, /^measured.*time/, 'measured over time');
      assert.match(rows[2].counts, /^measured.*requests/, 'measured over requests');
      assert.equal(new Set(rows.map((r) => r.label)).size, 3, 'three different labels');
      assert.ok(await page.isVisible('[data-avail-note]'), 'a sentence says why they differ');
      await page.locator('[data-panel="reliability"]').screenshot({ path: 'artifacts/screenshots/plain-availability-kinds.png' });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('diagram: inside a failed region, badges of its dead balancers say "unknown / no checker"', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover`);
    try {
      await runToSettled(page, 40); // eu-west goes dark at 30 s
      assert.equal(await page.getAttribute('[data-domain="eu-west"]', 'data-down'), '1');
      const badges = await page.$$eval('.badge', (els) => els.map((b) => ({
        from: b.getAttribute('data-from'),
        to: b.getAttribute('data-to'),
        health: b.getAttribute('data-health'),
        text: b.querySelector('.badge-text')?.textContent ?? '',
        hatched: !!b.querySelector('.badge-hatch'),
        title: b.querySelector('title')?.textContent ?? '',
        fromStatus: document.querySelector(`.node[data-node-name="${b.getAttribute('data-from')}"]`)?.getAttribute('data-status'),
        checker: !!document.querySelector(`.node[data-node-name="${b.getAttribute('data-from')}"]:is(.kind-balancer, .kind-gateway)`),
      })));
      const deadCheckers = badges.filter((b) => b.checker && b.fromStatus !== 'up');
      assert.ok(deadCheckers.length >= 2, `badges of checkers in the dead region: ${JSON.stringify(badges)}`);
      for (const b of deadCheckers) {
        assert.equal(b.health, 'unknown', `${b.from} → ${b.to}`);
        assert.match(b.text, /^unknown( · no checker)?$/);
        assert.match(b.title, /no checker/);
        assert.ok(b.hatched, `${b.from} → ${b.to} is hatched`);
      }
      // Checkers still alive keep their real belief.
      assert.ok(badges.some((b) => b.checker && b.fromStatus === 'up' && b.health !== 'unknown'));
      // Replication from the dead primary is not shown as working.
      const replication = badges.find((b) => b.from === 'db-primary');
      if (replication) assert.notEqual(replication.health, 'up', 'no replication from a dead primary');
      await diagramShot(page, 'plain-unknown-badges');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('diagram: after the standby is promoted, the app servers\' edges reach the new primary', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=db-async-vs-sync`);
    try {
      const before = (await page.textContent('[data-db="leader"]')).trim();
      await runToSettled(page, 75);
      const leader = (await page.textContent('[data-db="leader"]')).trim();
      assert.notEqual(leader, before, 'a promotion happened');
      const froms = await page.$$eval(`path.edge[data-to="${leader}"]`, (ps) => ps.map((p) => p.getAttribute('data-from')));
      const apps = await page.$$eval('.node.kind-instance', (ns) => ns.map((n) => n.getAttribute('data-node-name')));
      const reaching = froms.filter((f) => apps.includes(f));
      assert.ok(reaching.length >= 1, `an app server's edge reaches ${leader}: ${froms}`);
      const d = await page.getAttribute(`path.edge[data-to="${leader}"][data-from="${reaching[0]}"]`, 'd');
      assert.ok(d && d.length > 10, 'the edge is drawn');
      await diagramShot(page, 'plain-promoted-edges');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('diagram: no two badges overlap, every node name reads in full, log and speed read cleanly', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover`);
    try {
      for (const preset of ['multi-region-dns-failover', 'bank', 'multi-az', 'single-az']) {
        await page.goto(`${server.url}#v=3&p=${preset}`);
        await page.waitForSelector(`.badge`);
        await runToSettled(page, 45);
        const boxes = await page.$$eval('.badge .badge-box', (rs) => rs.map((r) => {
          const b = r.getBoundingClientRect();
          const g = r.parentElement;
          return { x: b.x, y: b.y, width: b.width, height: b.height, label: `${g.getAttribute('data-from')}→${g.getAttribute('data-to')}` };
        }));
        assert.deepEqual(overlapping(boxes), [], `${preset}: overlapping badges`);
        const names = await page.$$eval('.node', (ns) => ns.map((n) => {
          const t = n.querySelector('.node-name');
          return {
            name: n.getAttribute('data-node-name'),
            shown: [...t.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent).join(''),
            title: t.querySelector('title')?.textContent ?? null,
          };
        }));
        for (const n of names) {
          assert.ok(n.shown === n.name || n.title === n.name, `${preset}: ${n.name} reads in full (shown "${n.shown}")`);
        }
      }
      await screenshot(page, 'plain-badges-names');

      // A zone/region box says it can be clicked; the hint is on screen.
      assert.ok(await page.isVisible('[data-hint="domains"]'));
      assert.match(await page.textContent('.group-box title'), /click to fail/);

      // The event log's kind word ("RECOVERED") ends before its text starts.
      const rows = await page.$$eval('.log-row', (rs) => rs.map((r) => {
        const k = r.querySelector('.log-kind').getBoundingClientRect();
        const t = r.querySelector('.log-text').getBoundingClientRect();
        const kind = r.querySelector('.log-kind');
        return { word: kind.textContent, kindRight: k.x + Math.max(k.width, kind.scrollWidth), textLeft: t.x };
      }));
      assert.ok(rows.some((r) => /recovered/i.test(r.word)), 'a recovery is logged');
      for (const r of rows) assert.ok(r.kindRight <= r.textLeft + 0.5, `${r.word} runs into its text`);
      await page.locator('.log-body').screenshot({ path: 'artifacts/screenshots/plain-event-log.png' });

      // The speed control says "1×" once.
      const ones = await page.$$eval('.speed *', (els) => els.filter((e) => e.children.length === 0
        && e.textContent.trim() === '1×' && e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden' && e.getBoundingClientRect().width > 1
        && e.getBoundingClientRect().height > 1).length);
      assert.equal(ones, 1, '"1×" appears once in the speed control');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('words: glossary tooltips, "Random seed", scenarios titled by lesson and grouped in teaching order', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=db-async-vs-sync`);
    try {
      for (const key of ['patroni', 'ttl', 'loop_wait', 'rpo']) {
        const title = await page.getAttribute(`.scenario-explain abbr.term[data-term="${key}"]`, 'title');
        assert.ok(title && title.length > 30, `${key} has a definition: ${title}`);
      }
      // Plain words come first in the definition, after the term itself.
      const ttl = await page.getAttribute('abbr.term[data-term="ttl"]', 'title');
      assert.match(ttl, /^ttl: how long/);
      assert.ok(await page.$('[data-panel="database"] abbr.term[data-term="rpo"]'), 'RPO in the panel is explained');
      assert.ok(await page.$('[data-panel="database"] abbr.term[data-term="fencing"]'), 'fencing in the panel is explained');

      const seedLabel = page.locator('.seed-field .field-label');
      assert.match(await seedLabel.textContent(), /^Random seed/);
      assert.match(await seedLabel.getAttribute('title'), /random draw/);

      const groups = await page.$$eval('[data-control="preset"] optgroup', (gs) => gs.map((g) => ({
        label: g.label,
        options: [...g.querySelectorAll('option')].map((o) => ({ value: o.value, text: o.textContent })),
      })));
      assert.deepEqual(groups.map((g) => g.label), ['Basics', 'Zones and regions', 'Databases', 'DNS', 'Cost', 'Vendor detail', 'Gray failures and recovery', 'Overload and retries']);
      const all = groups.flatMap((g) => g.options);
      assert.equal(all.length, 34);
      for (const o of all) assert.doesNotMatch(o.text, /seed/i, `${o.value}: "${o.text}"`);
      assert.ok(groups[2].options.some((o) => o.value === 'db-async-vs-sync'), 'ids unchanged');
      await screenshot(page, 'plain-words');

      // The inspector's vendor parameters lead with the same plain words.
      await page.goto(`${server.url}#v=3&p=redundant-behind-lb`);
      await page.waitForSelector('[data-node-name="lb-1"]');
      await page.click('[data-node-name="lb-1"]');
      await page.keyboard.press('Escape');
      for (const [param, start] of [['health_check.fastinter_ms', /^fastinter: a quicker check/], ['redispatch', /^redispatch: a failed request/]]) {
        const label = page.locator('.param-label', { has: page.locator('code.param-name', { hasText: new RegExp(`^${param.replace('.', '\\.')}$`) }) });
        assert.match(await label.getAttribute('title'), start, param);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('phone 390×844: diagram in the first screen, text ≥ 11 px, zoom control, timeline right under it', async () => {
    const { page, context, errors } = await openApp(browser, `${server.url}#v=3&p=multi-region-dns-failover`, { viewport: PHONE });
    try {
      await page.waitForTimeout(600); // the orientation is re-checked a few times a second
      const stage = await page.locator('.diagram-stage').boundingBox();
      assert.ok(stage.y < PHONE.height - 150, `the diagram starts in the first screen: top ${stage.y}`);

      /** Smallest rendered font size of the diagram's visible text, in CSS px. */
      const smallest = () => page.$$eval('.diagram-svg text', (ts) => {
        let min = Infinity;
        for (const t of ts) {
          if (!t.textContent.trim() || t.getClientRects().length === 0) continue;
          const svg = t.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
        }
        return min;
      });
      const fitted = await smallest();
      assert.ok(fitted >= 11, `smallest diagram text after fitting: ${fitted.toFixed(1)} px`);
      // The diagram's scroll box fits the screen's width (pan inside it, the page does not).
      const viewport = await page.locator('.diagram-viewport').boundingBox();
      assert.ok(viewport.x >= 0 && viewport.x + viewport.width <= PHONE.width + 0.5, 'fits the width');
      const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(pageWidth <= PHONE.width, `no sideways page scroll: ${pageWidth}`);

      await page.screenshot({ path: 'artifacts/screenshots/plain-phone-first-screen.png' });

      // The failure timeline follows the diagram, before the charts.
      await runToSettled(page, 45);
      const timeline = await page.locator('[data-section="timeline"]').boundingBox();
      const stageAfter = await page.locator('.diagram-stage').boundingBox();
      const chart = await page.locator('[data-area="chart"]').boundingBox();
      assert.ok(timeline.y > stageAfter.y, 'timeline below the diagram');
      assert.ok(timeline.y < chart.y, 'timeline before the charts');
      assert.ok(timeline.y - (stageAfter.y + stageAfter.height) < 200, `right under it: gap ${timeline.y - stageAfter.y - stageAfter.height}`);
      await page.evaluate(() => document.querySelector('.diagram-viewport').scrollIntoView());
      await page.screenshot({ path: 'artifacts/screenshots/plain-phone-diagram-timeline.png' });

      // Zoom: "Fit" shows the whole system; "+" gets back to readable.
      const width = async () => (await page.locator('.diagram-stage').boundingBox()).width;
      const readableWidth = await width();
      await page.click('[data-control="zoom-fit"]');
      const fitWidth = await width();
      assert.ok(fitWidth <= viewport.width + 0.5, `fit: ${fitWidth} ≤ ${viewport.width}`);
      await page.click('[data-control="zoom-in"]');
      assert.ok((await width()) > fitWidth, 'zoom in grows the diagram');
      await page.click('[data-control="zoom-readable"]');
      assert.ok(Math.abs((await width()) - readableWidth) < 1, 'readable again');
      await screenshot(page, 'plain-phone-full');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
