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

// ---- a phone's header: "Menu" opens and closes the navigation (from 760 px it is always shown).
document.addEventListener('click', (e) => {
  const toggle = e.target instanceof Element ? e.target.closest('.menu-toggle') : null;
  if (!toggle) return;
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  toggle.closest('header')?.classList.toggle('menu-open', open);
  if (open) document.querySelector('#site-nav a')?.focus();
});

// ---- tables on a phone are stacked cards: each cell says which column it is (CSS shows the
// label). Copied from the headings so the pages' markup stays one table for every screen.
function labelCells() {
  for (const table of document.querySelectorAll('table.results')) {
    const heads = [...table.querySelectorAll('thead th')].map((th) =>
      th.classList.contains('primary') || th.querySelector('.visually-hidden') ? '' : th.textContent.trim(),
    );
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((td, i) => {
        if (heads[i] && !td.hasAttribute('colspan')) td.dataset.label = heads[i];
      });
    }
  }
}
labelCells();
// a page has a few short tables: labelling them all again after a swap costs less than finding which
document.addEventListener('htmx:afterSettle', labelCells);

// ---- the client form: its fields follow the kind (a person's names first and required, or the
// company's name first with an optional contact person). The page is drawn that way for the kind
// it opens with; this re-orders it when staff switch.
function applyKind(form) {
  const kind = form.querySelector('input[name="kind"]:checked')?.value === 'company' ? 'company' : 'person';
  form.dataset.kind = kind;
  const grid = form.querySelector('.grid.identity');
  const company = grid?.querySelector('.f-companyName');
  const heading = grid?.querySelector('.contact-heading');
  if (grid && company && heading) {
    // company: its name, then "contact person" over the names; person: the names, then the company
    if (kind === 'company') grid.prepend(company, heading);
    else grid.append(heading, company);
  }
  for (const input of form.querySelectorAll('[data-required-for]')) {
    if (input.dataset.requiredFor === kind) input.setAttribute('aria-required', 'true');
    else input.removeAttribute('aria-required');
  }
}
document.addEventListener('change', (e) => {
  const form = e.target instanceof HTMLInputElement && e.target.name === 'kind' ? e.target.closest('form.client-form') : null;
  if (form) applyKind(form);
});

// Back to a new client's form the browser kept in memory (bfcache) after it was saved: ask the
// agent again, which then says the client was made (the form's id is its one-time token).
window.addEventListener('pageshow', (e) => {
  if (e.persisted && document.querySelector('form.client-form input[name="id"]')) location.reload();
});

// A form the agent sent back (refused, look-alikes) answers a POST: name its history entry by the
// form's own address, so Back to it asks the agent again (and learns the client was made) instead
// of offering to send the form once more.
for (const form of document.querySelectorAll('form[data-url]')) {
  const url = new URL(form.dataset.url, location.href);
  // only an answer to a POST sits at another path (/clients, /clients/<id>): the form's own page keeps its URL
  if (url.pathname !== location.pathname) history.replaceState(history.state, '', url);
}

// ---- nothing lost by leaving: a form with changes asks before the page goes (reload, a link,
// closing the tab). A form the agent sent back unsaved (refused, look-alikes) has changes already.
const guarded = new Map();
const formState = (form) => new URLSearchParams(new FormData(form)).toString();
for (const form of document.querySelectorAll('form[data-guard]')) guarded.set(form, form.dataset.guard === 'unsaved' ? null : formState(form));
document.addEventListener('submit', (e) => {
  if (e.target instanceof HTMLFormElement) guarded.delete(e.target); // saving is not leaving
});
window.addEventListener('beforeunload', (e) => {
  for (const [form, initial] of guarded) {
    if (form.isConnected && formState(form) !== initial) {
      e.preventDefault();
      e.returnValue = ''; // older Chromium asks only when this is set
      return;
    }
  }
});

// ---- short messages (#toast): each goes after its time; "Annuler" after a delete stays 10 s.
function timeToasts() {
  for (const toast of document.querySelectorAll('#toast .toast[data-timeout]:not([data-timed])')) {
    toast.dataset.timed = '';
    setTimeout(() => toast.remove(), Number(toast.dataset.timeout) || 6000);
    // The deleted row took the focus with it: the keyboard goes to "Annuler", not to the page's top.
    // htmx wires an out-of-band swap's buttons only as it settles, after this observer runs: wire
    // it now, or an Enter pressed at once on the focused "Annuler" would do nothing.
    const undo = toast.querySelector('[data-undo]');
    if (undo && (document.activeElement === document.body || !document.activeElement)) {
      htmx.process(toast);
      undo.focus();
    }
  }
}
const toastRegion = document.getElementById('toast');
if (toastRegion) new MutationObserver(timeToasts).observe(toastRegion, { childList: true, subtree: true });

// ---- the list keeps its place: how many results were shown (in the URL, so the agent draws as
// many again) and where it was scrolled (in this history entry), when staff open a client and
// come back.
history.scrollRestoration = 'manual';
function rememberShown() {
  const rows = document.querySelectorAll('#results table.results tbody tr[data-client-id]').length;
  const url = new URL(location.href);
  if (url.pathname !== '/') return;
  if (rows > 25) url.searchParams.set('shown', String(rows));
  else url.searchParams.delete('shown');
  const field = document.querySelector('input[name="shown"]');
  if (field) field.value = rows > 25 ? String(rows) : '';
  history.replaceState(history.state, '', url);
}
document.addEventListener('htmx:afterSettle', (e) => {
  if (e.target instanceof Element && (e.target.closest('#results') || e.target.id === 'results')) rememberShown();
});
const rememberScroll = () => history.replaceState({ ...(history.state ?? {}), agentScrollY: window.scrollY }, '');
window.addEventListener('pagehide', rememberScroll);
document.addEventListener('click', (e) => {
  if (e.target instanceof Element && e.target.closest('a[href]')) rememberScroll();
}, true);
if (performance.getEntriesByType('navigation')[0]?.type === 'back_forward' && typeof history.state?.agentScrollY === 'number') {
  // After the search box's autofocus (which scrolls it into view), once the page is laid out.
  const y = history.state.agentScrollY;
  window.addEventListener('load', () => requestAnimationFrame(() => window.scrollTo(0, y)), { once: true });
}
