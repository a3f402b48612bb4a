// A form with data-confirm asks before it is sent: "Reject this entry?" and the like.
// Without scripts the form is sent at once; the server checks everything anyway.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
