/* Small page actions without inline script (the Content-Security-Policy forbids onclick=...):
   <button data-action="print">, <button data-action="reload">, <a data-action="back">. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!target) {
      return;
    }
    var action = target.getAttribute("data-action");
    if (action === "print") {
      event.preventDefault();
      window.print();
    } else if (action === "reload") {
      event.preventDefault();
      window.location.reload();
    } else if (action === "back" && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();

/* <select data-autosubmit>: choosing sends the form (a <noscript> button covers no JS). */
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target instanceof Element ? event.target.closest("[data-autosubmit]") : null;
  if (field && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
