// Edit benchmark (issue #15; run by `make bench-edit`, not by `make test`): on the preset with
// the most nodes, an architecture edit re-lays out the diagram and restarts the run within
// 50 ms. Headless Chromium on the release build in dist/. Each round adds an instance through
// the design bar's form, then undoes it (Ctrl+Z), so every edit is made on the preset itself.
// Prints, for the edit and for the undo:
//   - handler: the click / key handler (edit checked, run rebuilt, commands carried, both
//     layouts computed) — the Rust side;
//   - on screen: from the click to the new node in the diagram (Yew's render included).
// The native figure of the same steps: `cargo run --release --example bench_edit`.
//
// Usage: node tests/e2e/bench_edit.mjs [--rounds 30] [--preset multi-region-dns-failover]
import { launchBrowser, openApp, startServer } from './support.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const ROUNDS = Number(arg('rounds', 30));
const PRESET = arg('preset', 'multi-region-dns-failover');
const BUDGET_MS = 50;

const server = await startServer(process.env.FAILOVER_LAB_DIST ? { root: process.env.FAILOVER_LAB_DIST } : {});
const browser = await launchBrowser();
try {
  const { page, errors } = await openApp(browser, `${server.url}#v=3&p=${PRESET}&seed=1&c=5000:crash:eu-1`);
  const measure = (action) =>
    page.evaluate(async (action) => {
      const appeared = (present) =>
        new Promise((resolve) => {
          const check = () => !!document.querySelector('[data-area="diagram"] [data-node-name="app-new"]') === present;
          if (check()) return resolve(performance.now());
          const obs = new MutationObserver(() => {
            if (check()) {
              obs.disconnect();
              resolve(performance.now());
            }
          });
          obs.observe(document.body, { childList: true, subtree: true, attributes: true });
        });
      if (action === 'edit') {
        document.querySelector('[data-edit-add="instance"]').click();
        await new Promise((r) => setTimeout(r, 50));
        document.querySelector('[data-edit-form="instance"] [data-edit-field="name"]').value = 'app-new';
        const t0 = performance.now();
        document.querySelector('[data-edit-form="instance"] [data-control="edit-apply"]').click();
        const handler = performance.now() - t0;
        const shown = (await appeared(true)) - t0;
        return { handler, shown };
      }
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true }));
      const handler = performance.now() - t0;
      const shown = (await appeared(false)) - t0;
      return { handler, shown };
    }, action);
  const results = { edit: [], undo: [] };
  for (let i = 0; i < ROUNDS; i++) {
    results.edit.push(await measure('edit'));
    results.undo.push(await measure('undo'));
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.round((s.length - 1) * p)];
    return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${q(1).toFixed(1)} ms`;
  };
  console.log(`edit benchmark: ${PRESET}, ${ROUNDS} rounds, release build, headless Chromium`);
  let worst = 0;
  for (const kind of ['edit', 'undo']) {
    const rs = results[kind];
    console.log(`  ${kind}: handler ${stats(rs.map((r) => r.handler))}`);
    console.log(`  ${kind}: on screen ${stats(rs.map((r) => r.shown))}`);
    worst = Math.max(worst, ...rs.map((r) => r.shown).sort((a, b) => a - b).slice(0, Math.ceil(rs.length * 0.95)));
  }
  console.log(`  p95 on screen ≤ ${BUDGET_MS} ms: ${worst <= BUDGET_MS ? 'yes' : 'NO'} (${worst.toFixed(1)} ms)`);
  if (errors.length) console.log('page errors:', errors);
} finally {
  await browser.close();
  await server.close();
}
