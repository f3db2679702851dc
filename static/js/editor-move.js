// The plan editor's up/down buttons swap their list with htmx. When the pressed button is gone
// (the item reached the top or bottom), keep keyboard focus on the item: its other move button.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  const pressed = form && form.querySelector("button[id]");
  if (!pressed || document.getElementById(pressed.id)) {
    return;
  }
  const other = pressed.id.endsWith("-up") ? pressed.id.replace(/-up$/, "-down") : pressed.id.replace(/-down$/, "-up");
  const target = document.getElementById(other);
  if (target) {
    target.focus();
  }
});
