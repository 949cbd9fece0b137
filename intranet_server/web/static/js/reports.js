// /reports: choosing a month clears from/to (the month wins on the server anyway) and submits.
(function () {
  var form = document.getElementById("report-filters");
  if (!form) return;
  var month = form.querySelector("input[name=month]");
  month.addEventListener("change", function () {
    form.querySelector("input[name=from]").value = "";
    form.querySelector("input[name=to]").value = "";
    form.submit();
  });
  ["from", "to"].forEach(function (name) {
    form.querySelector("input[name=" + name + "]").addEventListener("change", function () { month.value = ""; });
  });
})();
