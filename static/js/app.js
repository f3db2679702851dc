// Starts GOV.UK Frontend's components and the few behaviours of our own pages.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();

// Buttons that print the page (meeting packs): data-app-print instead of an inline onclick.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.addEventListener("click", () => window.print());
}
