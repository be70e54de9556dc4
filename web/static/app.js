// The staff page's own behaviour, on top of htmx: keyboard moves, scans (from the agent's event
// stream or a keyboard-wedge scanner typing into the page), live warnings, and small buttons.
// Plain script, no build step: it must run as served, offline.

// ---- keyboard first: ↓/↑ move through the results from the search box, Enter opens a client (it
// is a link), Esc clears the search.
document.addEventListener('keydown', (e) => {
  const search = document.querySelector('input[name="q"]');
  const links = [...document.querySelectorAll('#results table.results .name a')];
  const at = links.indexOf(document.activeElement);
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!links.length || (at < 0 && document.activeElement !== search)) return;
    e.preventDefault();
    const next = e.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : at - 1;
    (next < 0 ? search : links[next]).focus();
  } else if (e.key === 'Escape' && search && (document.activeElement === search || at >= 0)) {
    search.value = '';
    search.focus();
    search.dispatchEvent(new Event('search', { bubbles: true }));
  }
});

// ---- scans
/** This page's name for its keyboard-wedge scans: its own scans come back on the stream under it. */
const PAGE_ID = Math.random().toString(36).slice(2, 12);

/** A scan reached the page: fill the form's reference, or open the client, or offer to create one. */
function showScan(scan) {
  const field = document.querySelector('[data-scan-target]');
  if (field) {
    fillScanned(field, scan.code);
    return;
  }
  if (scan.client) {
    location.assign('/clients/' + encodeURIComponent(scan.client.id));
    return;
  }
  const node = document.getElementById('scan-unknown').content.firstElementChild.cloneNode(true);
  node.querySelector('[data-code]').textContent = scan.code; // a code is data, never markup
  const create = node.querySelector('[data-create]');
  create.href = '/clients/new?reference=' + encodeURIComponent(scan.code);
  document.getElementById('scan-notice').replaceChildren(node);
  create.focus();
}

function fillScanned(field, code) {
  field.value = code;
  field.focus();
  field.classList.add('scanned');
  setTimeout(() => field.classList.remove('scanned'), 1200);
}

async function sendScan(code) {
  let res;
  try {
    res = await fetch('/scans', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, page: PAGE_ID }) });
  } catch {
    // The agent is unreachable: keep the code where staff can see it rather than lose it.
    const search = document.querySelector('input[name="q"]');
    if (search) {
      search.value = code;
      search.dispatchEvent(new Event('search', { bubbles: true }));
    }
    return;
  }
  if (res.status === 401 || res.redirected) {
    location.reload(); // the session ended: the PIN page comes up
    return;
  }
  if (!res.ok) return;
  const scan = await res.json();
  if (!scan.duplicate) showScan(scan);
}

// The agent's event stream (htmx SSE extension, on <body>): #live receives scans and directory
// changes; we act on them here instead of swapping anything.
document.addEventListener('htmx:sseBeforeMessage', (e) => {
  if (!(e.target instanceof Element) || e.target.id !== 'live') return;
  e.preventDefault();
  let data;
  try {
    data = JSON.parse(e.detail.data);
  } catch {
    return;
  }
  if (e.detail.type === 'scan') {
    // A keyboard-wedge scan belongs to the page it was typed on (this one acted on the answer
    // already; another page must not open a client or fill a form because of it).
    if (typeof data.device === 'string' && data.device.startsWith('keyboard')) return;
    showScan(data);
  } else if (e.detail.type === 'reset') {
    // The stream missed more than the agent keeps: what the page shows may be stale. A form being
    // filled in is left alone (it is flagged); anything else is shown again.
    const form = document.querySelector('form[data-client-id]');
    if (form) document.getElementById('changed-elsewhere').hidden = false;
    else if (!document.querySelector('form:not(.logout)')) location.reload();
  } else if (e.detail.type === 'directory') {
    // Someone else changed the client being edited: say so now rather than at "save".
    const form = document.querySelector('form[data-client-id]');
    if (form && data.entity === 'client' && data.id === form.dataset.clientId) {
      document.getElementById('changed-elsewhere').hidden = false;
    }
  }
});

// ---- a failed htmx request: htmx swaps nothing for an error status, but the agent's answer aimed
// at #error-notice (web/error-pages.tsx) says what went wrong; show it there. 401 goes to the PIN page
// (HX-Redirect) before this.
document.addEventListener('htmx:beforeSwap', (e) => {
  if (e.detail.isError && e.detail.xhr.getResponseHeader('HX-Retarget') === '#error-notice') e.detail.shouldSwap = true;
});

// ---- keyboard-wedge scanners: they type the code a few milliseconds per character, then Enter.
// People type 100+ ms per key. So: after a pause of 300 ms, at least 4 characters at 40 ms or less
// on average (one late key, as a busy PC delivers them, up to 100 ms), then Enter, is a scan. A
// longer gap inside ends the burst without a scan: a code is never cut in two or glued to typing.
const WEDGE_AVERAGE_MS = 40;
const WEDGE_MAX_GAP_MS = 100;
const WEDGE_QUIET_MS = 300;
const WEDGE_MIN_LENGTH = 4;
const noBurst = (t) => ({ code: '', first: -Infinity, last: -Infinity, quietBefore: false, target: null, before: null, lastKey: t });
let burst = noBurst(-Infinity);

const isTextField = (el) =>
  el instanceof HTMLTextAreaElement ||
  (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type)) ||
  (el instanceof HTMLElement && el.isContentEditable);

/** What a key typed into a field changes, to put it back: the text, or a list's choice. */
const valueOf = (el) => (el instanceof HTMLSelectElement ? el.selectedIndex : isTextField(el) ? el.value : null);

document.addEventListener(
  'keydown',
  (e) => {
    const t = e.timeStamp;
    // AltGr (@, # on Swiss and French keyboards) comes as Ctrl+Alt on Windows: a character, not a shortcut
    const shortcut = (e.ctrlKey || e.altKey || e.metaKey) && !e.getModifierState('AltGraph');
    if (shortcut || e.repeat) {
      burst = noBurst(t);
      return;
    }
    const inBurst = burst.code.length > 0 && t - burst.last <= WEDGE_MAX_GAP_MS;
    if (e.key === 'Enter') {
      const n = burst.code.length;
      const fast = inBurst && burst.quietBefore && n >= WEDGE_MIN_LENGTH && (burst.last - burst.first) / (n - 1) <= WEDGE_AVERAGE_MS;
      const { code, target, before } = burst;
      burst = noBurst(t);
      if (fast) onWedgeScan(e, code, target, before);
      return;
    }
    if (e.key.length !== 1) {
      burst = noBurst(t);
      return;
    }
    if (!inBurst) {
      burst = { code: '', first: t, last: t, quietBefore: t - burst.lastKey >= WEDGE_QUIET_MS, target: e.target, before: valueOf(e.target), lastKey: t };
    }
    burst.code += e.key;
    burst.last = t;
    burst.lastKey = t;
  },
  true,
);

function onWedgeScan(e, code, target, before) {
  const field = document.querySelector('[data-scan-target]');
  const restore = () => {
    if (target instanceof HTMLSelectElement && typeof before === 'number') target.selectedIndex = before;
    else if (isTextField(target) && typeof before === 'string') target.value = before;
  };
  if (field) {
    // A form is open: the card goes to its reference, whichever field the cursor was in.
    e.preventDefault();
    if (target !== field) restore();
    fillScanned(field, code);
    return;
  }
  if (target instanceof HTMLSelectElement) {
    e.preventDefault();
    restore(); // the typed characters picked another choice by type-ahead
    void sendScan(code);
    return;
  }
  if (target instanceof HTMLInputElement && target.name === 'q') {
    // Typed into the search box: put the search back as it was, and take it as a scan.
    e.preventDefault();
    restore();
    target.dispatchEvent(new Event('search', { bubbles: true }));
    void sendScan(code);
    return;
  }
  if (isTextField(target)) return; // someone typing fast in another field: leave it alone
  e.preventDefault(); // e.g. a focused link must not open
  void sendScan(code);
}

// ---- small buttons: dismiss a notice, copy or show a token
document.addEventListener('click', async (e) => {
  if (!(e.target instanceof Element)) return;
  const dismiss = e.target.closest('[data-dismiss]');
  if (dismiss) {
    dismiss.closest(dismiss.dataset.dismiss)?.remove();
    return;
  }
  const copy = e.target.closest('[data-copy]');
  if (copy) {
    const token = await fetchToken(copy.dataset.copy);
    if (token === null) return;
    try {
      await navigator.clipboard.writeText(token);
    } catch {
      // No clipboard permission: select the token so Ctrl+C copies it.
      const code = copy.closest('tr')?.querySelector('code.token');
      if (code) {
        code.textContent = token;
        getSelection()?.selectAllChildren(code);
      }
      return;
    }
    copy.textContent = copy.dataset.done;
    return;
  }
  const reveal = e.target.closest('[data-reveal]');
  if (reveal) {
    const code = reveal.closest('tr')?.querySelector('code.token');
    if (!code) return;
    const shown = code.textContent !== code.dataset.masked;
    const token = shown ? code.dataset.masked : await fetchToken(reveal.dataset.reveal);
    if (token === null) return;
    code.textContent = token;
    if (!reveal.dataset.show) reveal.dataset.show = reveal.textContent;
    reveal.textContent = shown ? reveal.dataset.show : reveal.dataset.hide;
  }
});

/** A token is not in the page: it is asked for, with the staff session, when Copy or Show is pressed. */
async function fetchToken(index) {
  const res = await fetch(`/settings/tokens/${encodeURIComponent(index)}`, { cache: 'no-store' });
  if (res.status === 401 || res.redirected) {
    location.reload(); // the session ended: the PIN page comes up
    return null;
  }
  return res.ok ? res.text() : null;
}
