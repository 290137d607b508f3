// Listing page gallery: a thumbnail shows its picture in the main frame instead of opening
// the file (without JavaScript each thumbnail is a plain link to the image).
(function () {
  "use strict";
  function init() {
    var main = document.querySelector("[data-gallery-main]");
    var link = document.querySelector("[data-gallery-link]");
    if (!main) return;
    var thumbs = document.querySelectorAll(".gallery-thumb");
    Array.prototype.forEach.call(thumbs, function (thumb) {
      thumb.setAttribute("role", "button");
      thumb.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
        event.preventDefault();
        main.src = thumb.dataset.display;
        main.width = parseInt(thumb.dataset.width, 10) || main.width;
        main.height = parseInt(thumb.dataset.height, 10) || main.height;
        main.alt = thumb.dataset.alt || main.alt;
        if (link) link.href = thumb.href;
        Array.prototype.forEach.call(thumbs, function (t) { t.removeAttribute("aria-current"); });
        thumb.setAttribute("aria-current", "true");
      });
      thumb.addEventListener("keydown", function (event) {
        if (event.key === " ") { event.preventDefault(); thumb.click(); }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
