/* Search page enhancements; the page works without them.
   - The filters panel starts open on wide screens and closed on phones.
   - Empty fields are left out of the submitted URL (the server would redirect otherwise).
   - Changing the sort order applies it at once. */
(function () {
  "use strict";
  var filters = document.getElementById("search-filters");
  if (filters && !filters.querySelector("[aria-invalid='true']")) {
    var wide = window.matchMedia("(min-width: 48.01rem)");
    var sync = function () { filters.open = wide.matches; };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }
  document.querySelectorAll("form[action$='/search/']").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && !field.disabled && (field.type !== "checkbox" || field.checked) && field.value.trim() === "") {
          field.disabled = true;
        }
      });
    });
  });
  var sort = document.getElementById("id_sort");
  if (sort && sort.form) {
    var button = sort.form.querySelector(".sort-apply");
    if (button) { button.hidden = true; }
    sort.addEventListener("change", function () { sort.form.requestSubmit ? sort.form.requestSubmit() : sort.form.submit(); });
  }
})();
