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
//    instantiates the .wasm once the document is parsed.
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
    import(js)
      .then(function (module) {
        return module.default({ module_or_path: wasm });
      })
      .catch(function (error) {
        fatal(error);
      });
  }

  function onParsed() {
    wireBanner();
    startApp();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', onParsed);
  } else {
    onParsed();
  }
})();
