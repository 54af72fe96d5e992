// The desk's smaller forms (the top bar's links, the breaking-news banner): each autocomplete
// box and each date-and-time pair is named by its field's label, as the plain fields are, so
// that screen readers announce them. The article form does the same in desk.js.
(function () {
  "use strict";
  function nameControls() {
    const form = document.querySelector("#content-main form");
    if (!form) return;
    form.querySelectorAll("label[for]").forEach(function (label) {
      const field = document.getElementById(label.htmlFor);
      const box = field && field.parentNode.querySelector(".select2-selection");
      if (!box || field.tagName !== "SELECT") return;
      label.id = label.id || label.htmlFor + "-label";
      box.setAttribute("aria-labelledby", (label.id + " " + (box.getAttribute("aria-labelledby") || "")).trim());
      const shown = box.querySelector(".select2-selection__rendered");
      if (shown) shown.setAttribute("aria-labelledby", label.id + " " + shown.id);
    });
    form.querySelectorAll("p.datetime").forEach(function (pair) {
      const holder = pair.closest(".fieldBox") || pair.closest(".form-row");
      const label = holder && holder.querySelector("label");
      if (!label) return;
      pair.querySelectorAll("input").forEach(function (input, n) {
        input.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "") + (n ? ", time" : ", date"));
      });
    });
  }
  // After the autocomplete boxes are built (on the document's ready, by the admin's script).
  if (document.readyState === "complete") nameControls();
  else window.addEventListener("load", nameControls);
})();
