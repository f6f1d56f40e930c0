// Visit log: picking a contact person already on the file fills in whom you met.
(function () {
  "use strict";
  var FIELDS = { name: "id_person_met", title: "id_person_title", phone: "id_person_phone", power: "id_decision_power" };
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills-person]")) return;
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) return;
    Object.keys(FIELDS).forEach(function (key) {
      var input = document.getElementById(FIELDS[key]);
      if (input && option.dataset[key] !== undefined) input.value = option.dataset[key];
    });
  });
})();
