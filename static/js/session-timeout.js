// GOV.UK-style timeout warning: before the idle timeout ends the session, a dialog offers to stay
// signed in. The page says how long its session has left (data-session-expires-in on <body>, set by
// the server); "Stay signed in" posts to the keep-alive endpoint, which touches the session.
const dialog = document.getElementById("timeout-warning");
const expiresIn = Number(document.body.dataset.sessionExpiresIn);
// Warn two minutes ahead, or halfway through a very short session.
const WARN_SECONDS = 120;

function wordsFor(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

if (dialog && typeof dialog.showModal === "function" && expiresIn > 0) {
  const countdown = dialog.querySelector("[data-app-timeout-countdown]");
  const text = dialog.querySelector("[data-app-timeout-text]");
  const stay = dialog.querySelector("[data-app-stay-signed-in]");
  const csrfToken = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  let endsAt = 0;
  let warnTimer = 0;
  let tick = 0;

  function signedOut() {
    clearInterval(tick);
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    text.textContent =
      "You have been signed out. Anything you save now is kept for you: sign in again to get it back.";
    stay.textContent = "Sign in again";
    stay.dataset.signedOut = "true";
    stay.dataset.loginUrl = `${dialog.dataset.loginUrl}?next=${next}`;
  }

  function update() {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) signedOut();
    else countdown.textContent = wordsFor(left);
  }

  function show() {
    update();
    if (!dialog.open) dialog.showModal();
    tick = setInterval(update, 1000);
  }

  function schedule(seconds) {
    clearTimeout(warnTimer);
    clearInterval(tick);
    endsAt = Date.now() + seconds * 1000;
    const warnBefore = Math.min(WARN_SECONDS, seconds / 2);
    warnTimer = setTimeout(show, (seconds - warnBefore) * 1000);
  }

  stay.addEventListener("click", async () => {
    if (stay.dataset.signedOut) {
      window.location.assign(stay.dataset.loginUrl);
      return;
    }
    let answer = null;
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "error",
        headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      });
      answer = response.ok ? await response.json() : null;
    } catch {
      answer = null; // offline, redirected to a sign-in step, or not JSON: treat as signed out
    }
    if (!answer || !answer.signed_in) {
      signedOut();
      return;
    }
    dialog.close();
    schedule(answer.expires_in);
  });
  // Escape closes a modal dialog; the session still ends, so warn again at the end.
  dialog.addEventListener("cancel", () => {
    clearInterval(tick);
    setTimeout(show, Math.max(0, endsAt - Date.now()));
  });

  // Every request to the server touches the session (SESSION_SAVE_EVERY_REQUEST): start again after htmx's.
  document.body.addEventListener("htmx:afterRequest", () => {
    if (!dialog.open) schedule(expiresIn);
  });

  schedule(expiresIn);
}
