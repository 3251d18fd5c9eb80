// Failover Lab's boot script. It is a file, not an inline <script>: the Content-Security-Policy
// in index.html allows scripts from this site only ('self'), never inline ones.
//
// 1. It shows the error banner (#panic-banner in index.html) when something fatal happens:
//    - before start-up: the app's script or .wasm file does not load, or the browser lacks
//      WebAssembly ("could not start");
//    - after start-up: any uncaught error or unhandled rejection, which is how a WebAssembly
//      trap (`unreachable`, out-of-bounds access) or running out of memory reaches the page.
//      Without this the page would just freeze.
//    Rust panics are handled by src/ui/panic.rs, which marks <html> with data-app-panicked
//    first, so the trap that follows a panic (release builds abort) is left alone here.
// 2. It wires the banner's buttons: Reload (the same address, so the same run) and Open the
//    default scenario (the page without the hash, so a link that crashes every time is not a
//    trap).
// 3. It starts the app: Trunk writes the names of the wasm-bindgen module and the .wasm file
//    into <meta name="failover-lab-app"> (`pattern_script` in Trunk.toml, instead of Trunk's
//    default inline loader, which the policy would block); this script imports the module and
//    instantiates the .wasm once the document is parsed, streaming: the browser compiles the
//    module while it downloads (instantiateStreaming), and the poster's progress bar follows
//    the download.
// 4. It labels the poster (the default scenario's first frame, pre-rendered) as a stand-in
//    when the page opens a share link, so it never passes for the linked run.
(function () {
  'use strict';

  var html = document.documentElement;

  function byId(id) {
    return document.getElementById(id);
  }

  function started() {
    return document.querySelector('[data-app-ready]') !== null;
  }

  /** The page without the hash (and without the debug-only `debug` parameter). */
  function defaultScenarioHref() {
    var search = location.search
      .replace(/^\?/, '')
      .split('&')
      .filter(function (pair) {
        return pair !== '' && pair.split('=')[0] !== 'debug';
      })
      .join('&');
    return location.pathname + (search ? '?' + search : '');
  }

  function describe(reason) {
    if (reason && typeof reason === 'object') {
      var name = reason.name || (reason.constructor && reason.constructor.name) || 'Error';
      return reason.message ? name + ': ' + reason.message : String(reason);
    }
    return String(reason);
  }

  /** Out of memory, as Chromium, Firefox and Safari word it. */
  function isOutOfMemory(text) {
    return /out of memory|allocation failed|array buffer allocation|maximum memory size|could not allocate|memory\.grow/i.test(
      text,
    );
  }

  function showBanner(attribute, title, hint, detail) {
    var banner = byId('panic-banner');
    if (!banner) return;
    html.setAttribute(attribute, '1');
    byId('panic-title').textContent = title;
    byId('panic-hint').textContent = hint;
    byId('panic-message').textContent = detail;
    var home = byId('panic-default');
    if (home) home.setAttribute('href', defaultScenarioHref());
    banner.hidden = false;
    banner.setAttribute('tabindex', '-1');
    banner.focus();
  }

  function alreadyShown() {
    return html.hasAttribute('data-app-panicked') || html.hasAttribute('data-app-load-failed');
  }

  function cannotStart(detail) {
    if (alreadyShown() || started()) return;
    showBanner(
      'data-app-load-failed',
      'Failover Lab could not start.',
      'Reload the page; if this persists, use a current browser with WebAssembly enabled.',
      detail,
    );
  }

  /** An error that escaped the running app: it may be in any state now, so stop and say so. */
  function stopped(reason) {
    if (alreadyShown()) return;
    var text = describe(reason);
    var memory = html.hasAttribute('data-app-out-of-memory') || isOutOfMemory(text);
    var link = location.hash ? '\nLink of the run: ' + location.href : '';
    showBanner(
      'data-app-panicked',
      memory
        ? 'Failover Lab ran out of memory and stopped.'
        : 'Failover Lab stopped because of an internal error.',
      'Reload to start this run again, or open the default scenario if it stops every time.',
      text + link,
    );
  }

  function fatal(reason) {
    if (started()) stopped(reason);
    else cannotStart(describe(reason));
  }

  window.addEventListener(
    'error',
    function (event) {
      var target = event.target;
      // Capture phase: resource errors do not bubble. Only the app's own script is fatal, and
      // only before it started (a late stylesheet or icon error changes nothing).
      if (target && target.tagName === 'SCRIPT') {
        if (!started()) cannotStart('could not load ' + (target.src || 'the app script'));
      } else if (target === window) {
        // Chromium reports a busy ResizeObserver as an error; it is harmless.
        if (/ResizeObserver loop/.test(event.message || '')) return;
        fatal(event.error || event.message || 'script error');
      }
    },
    true,
  );
  window.addEventListener('unhandledrejection', function (event) {
    fatal(event.reason);
  });

  function wireBanner() {
    var reload = byId('panic-reload');
    if (reload) {
      reload.addEventListener('click', function () {
        location.reload();
      });
    }
    var home = byId('panic-default');
    if (home) home.setAttribute('href', defaultScenarioHref());
  }

  // ---- The poster (static/poster.html, generated by src/ui/poster.rs) ----
  // The app's first frame, shown from the first paint with a "Loading…" status line and a
  // progress bar. The app replaces the whole poster when it mounts, so every step below
  // tolerates it being gone.

  /** Whether the address names a run (not just display options such as `embed=1`). */
  function opensLink(hash) {
    return hash
      .replace(/^#/, '')
      .split('&')
      .some(function (pair) {
        return pair !== '' && pair.split('=')[0] !== 'embed';
      });
  }

  function say(text) {
    var label = byId('poster-label');
    if (label) label.textContent = text;
  }

  /** The bar shows `percent` (0–100) of the download. */
  function showProgress(percent) {
    var bar = byId('poster-progress');
    if (bar) bar.value = Math.max(0, Math.min(100, Math.floor(percent)));
  }

  /** A share link opens another run than the default scenario the poster draws: dim it and
   * say so, so it never passes for the linked run. */
  function labelPoster() {
    var poster = byId('poster');
    if (!poster || !opensLink(location.hash)) return;
    poster.setAttribute('data-poster', 'link');
    say('Loading the linked run\u2026 (the default scenario is shown meanwhile)');
  }

  function downloaded() {
    showProgress(100);
    var poster = byId('poster');
    if (poster && poster.getAttribute('data-poster') !== 'link') say('Starting Failover Lab\u2026');
  }

  /** Bytes of the .wasm file as the browser receives them, decompressed: written into the
   * poster at build time (scripts/poster-wasm-size.sh). Content-Length is the compressed size
   * when the server gzips, so it is only the fallback. */
  function wasmBytes(response) {
    var poster = byId('poster');
    var written = poster ? Number(poster.getAttribute('data-wasm-bytes')) : 0;
    return written > 0 ? written : Number(response.headers.get('Content-Length')) || 0;
  }

  /** The integrity hash of Trunk's preload link for `url`: the fetch must carry the same one,
   * or Chromium downloads the file a second time instead of using the preload. */
  function preloadIntegrity(url) {
    var links = document.querySelectorAll('link[rel="preload"][integrity]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === url) return links[i].getAttribute('integrity');
    }
    return '';
  }

  /** Fetches the .wasm file and passes it on as a stream that counts its bytes: wasm-bindgen
   * hands a Response to WebAssembly.instantiateStreaming, so the browser compiles the module
   * while it downloads, and the bar follows the download. */
  function fetchWasm(url) {
    var integrity = preloadIntegrity(url);
    // A determinate bar from the request on: the download has started, at 0 %.
    showProgress(0);
    return fetch(url, integrity ? { integrity: integrity } : {}).then(function (response) {
      if (!response.ok) throw new Error('could not load ' + url + ' (HTTP ' + response.status + ')');
      if (!response.body || typeof ReadableStream !== 'function') {
        downloaded();
        return response;
      }
      var total = wasmBytes(response);
      var received = 0;
      var reader = response.body.getReader();
      var counted = new ReadableStream({
        pull: function (controller) {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              downloaded();
              controller.close();
              return;
            }
            received += chunk.value.byteLength;
            // Never claim to be done before the download is.
            if (total > 0) showProgress(Math.min(99, (100 * received) / total));
            controller.enqueue(chunk.value);
          });
        },
        cancel: function (reason) {
          return reader.cancel(reason);
        },
      });
      return new Response(counted, { headers: { 'Content-Type': 'application/wasm' } });
    });
  }

  function startApp() {
    var meta = document.querySelector('meta[name="failover-lab-app"]');
    if (!meta) {
      cannotStart('the page does not name the app module (no <meta name="failover-lab-app">)');
      return;
    }
    if (typeof WebAssembly !== 'object') {
      cannotStart('this browser does not support WebAssembly');
      return;
    }
    var js = new URL(meta.getAttribute('data-js'), document.baseURI).href;
    var wasm = new URL(meta.getAttribute('data-wasm'), document.baseURI).href;
    // The download starts with the module import, not after it.
    var response = fetchWasm(wasm);
    import(js)
      .then(function (module) {
        return module.default({ module_or_path: response });
      })
      .catch(function (error) {
        say('Failover Lab could not start.');
        fatal(error);
      });
  }

  function onParsed() {
    wireBanner();
    labelPoster();
    startApp();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', onParsed);
  } else {
    onParsed();
  }
})();
