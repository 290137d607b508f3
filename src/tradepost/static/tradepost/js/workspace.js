// The supplier workspace's listing editor, enhanced: every part works without this file.
// - price tiers: "Add a tier" / "Remove" instead of the spare blank rows;
// - images: drop files onto the drop zone, see previews, drag existing pictures to reorder;
// - ships-to: filter the country list by typing, count the chosen countries.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showJsOnly(root) {
    root.querySelectorAll(".ws-js-only").forEach(function (el) { el.hidden = false; });
  }

  // --- Price tiers -------------------------------------------------------------------
  function tierEditor(fieldset) {
    var rows = Array.prototype.slice.call(fieldset.querySelectorAll("[data-tier]"));
    var addButton = fieldset.querySelector("[data-tier-add]");
    function isEmpty(row) {
      return Array.prototype.every.call(row.querySelectorAll("input"), function (i) { return !i.value.trim(); });
    }
    function visible() { return rows.filter(function (r) { return !r.hidden; }); }
    function refresh() {
      var shown = visible();
      if (addButton) { addButton.disabled = shown.length >= rows.length; }
      shown.forEach(function (row) {
        var remove = row.querySelector("[data-tier-remove]");
        if (remove) { remove.hidden = shown.length <= 1; }
      });
    }
    // Keep the filled rows and one blank row; the rest wait behind "Add a tier".
    var lastFilled = -1;
    rows.forEach(function (row, i) { if (!isEmpty(row)) { lastFilled = i; } });
    rows.forEach(function (row, i) { row.hidden = i > Math.max(lastFilled + 1, 0); });
    if (addButton) {
      addButton.addEventListener("click", function () {
        var next = rows.filter(function (r) { return r.hidden; })[0];
        if (!next) { return; }
        fieldset.insertBefore(next, addButton.closest("p"));
        next.hidden = false;
        next.querySelector("input").focus();
        refresh();
      });
    }
    rows.forEach(function (row) {
      var remove = row.querySelector("[data-tier-remove]");
      if (!remove) { return; }
      remove.addEventListener("click", function () {
        row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        row.hidden = true;
        var first = visible()[0];
        if (first) { first.querySelector("input").focus(); }
        refresh();
      });
    });
    refresh();
  }

  // --- New images: drop zone and previews ---------------------------------------------
  function dropZone(zone) {
    var input = zone.querySelector("input[type=file]");
    var previews = zone.parentElement.querySelector("[data-previews]");
    if (!input || typeof DataTransfer === "undefined") { return; }
    function render() {
      if (!previews) { return; }
      previews.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var li = document.createElement("li");
        var img = document.createElement("img");
        img.alt = "";
        img.width = 72;
        img.height = 72;
        var reader = new FileReader();
        reader.onload = function () { img.src = reader.result; };
        reader.readAsDataURL(file);
        var name = document.createElement("span");
        name.textContent = file.name;
        li.appendChild(img);
        li.appendChild(name);
        previews.appendChild(li);
      });
    }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) {
        if (/^image\//.test(f.type)) { merged.items.add(f); }
      });
      input.files = merged.files;
      render();
    });
    input.addEventListener("change", render);
  }

  // --- Existing images: drag to reorder ----------------------------------------------
  function imageOrder(list) {
    var url = list.getAttribute("data-reorder-url");
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-image-id]");
      if (dragged) { dragged.classList.add("is-dragging"); event.dataTransfer.effectAllowed = "move"; }
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest("[data-image-id]");
      if (!dragged || !over || over === dragged) { return; }
      event.preventDefault();
      var rect = over.getBoundingClientRect();
      var after = (event.clientX - rect.left) > rect.width / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("is-dragging");
      dragged = null;
      var body = new URLSearchParams();
      list.querySelectorAll("[data-image-id]").forEach(function (li) {
        body.append("image", li.getAttribute("data-image-id"));
      });
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
        body: body,
        credentials: "same-origin"
      }).then(function (response) {
        if (response.ok) { window.location.reload(); }
      });
    });
  }

  // --- Ships to: filter and count ----------------------------------------------------
  function countryPicker(box) {
    var filter = box.querySelector("[data-countries-filter]");
    var count = box.querySelector("[data-countries-count]");
    var labels = Array.prototype.slice.call(box.querySelectorAll(".ws-country"));
    function updateCount() {
      if (!count) { return; }
      var n = box.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = n ? "(" + n + ")" : "";
    }
    if (filter) {
      filter.addEventListener("input", function () {
        var q = filter.value.trim().toLowerCase();
        labels.forEach(function (label) {
          label.hidden = q !== "" && label.textContent.toLowerCase().indexOf(q) === -1;
        });
      });
    }
    box.addEventListener("change", updateCount);
    // Chosen countries first, so a supplier sees them without scrolling.
    var holder = box.querySelector(".ws-country-box");
    labels.filter(function (l) { return l.querySelector("input").checked; }).reverse().forEach(function (l) {
      holder.insertBefore(l, holder.firstChild);
    });
    updateCount();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var editor = document.querySelector(".workspace-editor");
    if (!editor) { return; }
    showJsOnly(editor);
    editor.querySelectorAll("[data-tiers]").forEach(tierEditor);
    editor.querySelectorAll("[data-dropzone]").forEach(dropZone);
    editor.querySelectorAll("[data-reorder-url]").forEach(imageOrder);
    editor.querySelectorAll("[data-countries]").forEach(countryPicker);
  });
})();
