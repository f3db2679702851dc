// The update page: nothing typed is lost.
// - "Copy last quarter's text" fills only the empty fields; typed text is replaced only after the
//   person confirms. Without JavaScript the button posts the form and the server asks instead.
// - Leaving the page with unsaved changes asks first (the browser's own "Leave site?" prompt).
const form = document.getElementById("update-form");

function controlsNamed(name) {
  return Array.from(form.elements).filter((element) => element.name === name);
}

function typedValues(controls) {
  if (controls.length === 0) return [];
  const kind = controls[0].type;
  if (kind === "radio" || kind === "checkbox") {
    return controls.filter((control) => control.checked).map((control) => control.value);
  }
  return controls.map((control) => control.value).filter((value) => value.trim() !== "");
}

function setValues(controls, values) {
  const kind = controls[0].type;
  if (kind === "radio" || kind === "checkbox") {
    for (const control of controls) control.checked = values.includes(control.value);
  } else {
    controls[0].value = values[0] || "";
  }
  controls[0].dispatchEvent(new Event("change", { bubbles: true }));
}

function sameValues(a, b) {
  return a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index]);
}

function previousFields() {
  const fields = new Map();
  for (const input of document.querySelectorAll("#previous-values [data-field]")) {
    const field = fields.get(input.dataset.field) || { label: input.dataset.label, values: [] };
    field.values.push(input.value);
    fields.set(input.dataset.field, field);
  }
  return fields;
}

function copyPrevious(event) {
  event.preventDefault();
  const empty = [];
  const different = [];
  for (const [name, field] of previousFields()) {
    const controls = controlsNamed(name);
    if (controls.length === 0) continue;
    const typed = typedValues(controls);
    if (typed.length === 0) empty.push([controls, field]);
    else if (!sameValues(typed, field.values)) different.push([controls, field]);
  }
  let replace = false;
  if (different.length > 0) {
    const labels = different.map(([, field]) => field.label).join(", ");
    replace = window.confirm(
      `You have typed something different in: ${labels}.\n\n` +
        "OK replaces it with last quarter's text. Cancel keeps your text and copies only into the empty fields.",
    );
  }
  const chosen = replace ? [...empty, ...different] : empty;
  for (const [controls, field] of chosen) setValues(controls, field.values);
  const status = document.getElementById("copy-status");
  if (status) {
    status.hidden = false;
    status.textContent =
      chosen.length === 0
        ? "Nothing was copied: your text is kept."
        : `Last quarter's text was copied into ${chosen.length} field${chosen.length === 1 ? "" : "s"}` +
          (different.length > 0 && !replace ? "; the text you had typed is kept" : "") +
          ". Nothing is saved yet.";
  }
}

if (form) {
  const copyButton = document.querySelector("[data-app-copy-previous]");
  if (copyButton) copyButton.addEventListener("click", copyPrevious);

  let dirty = form.hasAttribute("data-app-dirty");
  form.addEventListener("input", () => {
    dirty = true;
  });
  form.addEventListener("change", () => {
    dirty = true;
  });
  form.addEventListener("submit", () => {
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
}
