// Progressive enhancement only: every page works without this script.
// A form that is being sent cannot be sent twice by an impatient second click.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  var button = form.querySelector("button[type=submit], button:not([type])");
  if (button && form.method.toLowerCase() === "post") {
    button.setAttribute("aria-busy", "true");
    setTimeout(function () { button.disabled = true; }, 0);
  }
});
