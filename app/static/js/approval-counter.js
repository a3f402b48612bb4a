// An election item on a ballot: "2 of 5 chosen", and no box beyond the seats can be ticked.
// The server refuses more approvals than seats anyway; this only helps on the phone.
(function () {
  "use strict";
  document.querySelectorAll(".candidates[data-seats]").forEach(function (group) {
    var seats = parseInt(group.getAttribute("data-seats"), 10);
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var counter = group.parentNode.querySelector(".counter");
    var template = group.getAttribute("data-counter-text") || "%(n)s / %(seats)s";
    function update() {
      var n = 0;
      boxes.forEach(function (box) { if (box.checked) { n += 1; } });
      boxes.forEach(function (box) { box.disabled = !box.checked && n >= seats; });
      if (counter) {
        counter.hidden = false;
        counter.textContent = template.replace("%(n)s", n).replace("%(seats)s", seats);
        counter.classList.toggle("full", n >= seats);
      }
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  });
})();
