// The unowned pool: tick every row of the page at once; ticking rows means "the ticked ones".
(function () {
  "use strict";
  var form = document.getElementById("assign-form");
  if (!form) {
    return;
  }
  var boxes = function () {
    return document.querySelectorAll("input[data-pool-tick]");
  };
  var ticked = document.querySelector("input[data-pool-scope='ticked']");
  var tickAll = document.querySelector("input[data-pool-tick-all]");
  if (tickAll) {
    tickAll.addEventListener("change", function () {
      boxes().forEach(function (box) {
        box.checked = tickAll.checked;
      });
      if (ticked) {
        ticked.checked = true;
      }
    });
  }
  boxes().forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked && ticked) {
        ticked.checked = true;
      }
    });
  });
})();
