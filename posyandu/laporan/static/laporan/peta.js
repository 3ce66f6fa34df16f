// The dashboards' maps: a tapped, clicked or focused region shows its name and value (the
// path's aria-label) below the map; pointing with a mouse shows the SVG <title> as well.
(function () {
  "use strict";
  function show(event) {
    var area = event.target.closest ? event.target.closest(".lp-area") : null;
    if (!area) return;
    var wrap = area.closest(".lp-map-wrap");
    var out = wrap ? wrap.querySelector(".lp-map-value") : null;
    if (out) out.textContent = area.getAttribute("aria-label");
    var previous = wrap ? wrap.querySelector(".lp-area.lp-picked") : null;
    if (previous) previous.classList.remove("lp-picked");
    area.classList.add("lp-picked");
  }
  document.addEventListener("click", show);
  document.addEventListener("focusin", show);
  document.addEventListener("mouseover", show);
})();
