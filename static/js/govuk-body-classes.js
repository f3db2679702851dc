// GOV.UK Frontend's body classes, set before the page is drawn (a file, not inline: the
// Content-Security-Policy allows no inline script). Loaded as the first thing in <body>.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
