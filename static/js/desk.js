// Front desk: an "Undo" button disappears when its 30 seconds are over (the server checks too).
(function () {
  "use strict";
  function expire() {
    var now = Date.now();
    document.querySelectorAll("form[data-undo-until]").forEach(function (form) {
      var until = Date.parse(form.dataset.undoUntil);
      if (!isNaN(until) && until <= now) form.remove();
    });
  }
  expire();
  window.setInterval(expire, 1000);
})();
