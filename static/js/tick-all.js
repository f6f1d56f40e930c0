// A "tick all" checkbox: <input type="checkbox" data-tick-all="customers"> ticks or clears
// every checkbox named "customers" on the page.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-tick-all]");
  if (!all) return;
  document.querySelectorAll(`input[type=checkbox][name="${all.dataset.tickAll}"]`)
    .forEach((box) => { box.checked = all.checked; });
});
