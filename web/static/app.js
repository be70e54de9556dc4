// Keyboard first: ↓/↑ move through the results from the search box, Enter opens a client (it is a
// link), Esc clears the search. Everything else is htmx.
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
