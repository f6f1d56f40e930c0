// The language menu in the navigation bar: choosing a language switches at once.
// (Without JavaScript the form's own "Switch" button does it.)
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select) select.form.requestSubmit();
});
