// The desk's smaller forms (the top bar's links, the breaking-news banner): each autocomplete
// box and each date-and-time pair is named by its field's label, as the plain fields are, so
// that screen readers announce them. The article form does the same in desk.js.
(function () {
  "use strict";
  function named(element, ids) {
    if ((element.getAttribute("aria-labelledby") || "").split(" ")[0] === ids.split(" ")[0]) return;
    element.setAttribute("aria-labelledby", (ids + " " + (element.getAttribute("aria-labelledby") || "")).trim());
  }
  function nameControls(form) {
    form.querySelectorAll("label[for]").forEach(function (label) {
      const field = document.getElementById(label.htmlFor);
      const box = field && field.parentNode.querySelector(".select2-selection");
      if (!box || field.tagName !== "SELECT") return;
      label.id = label.id || label.htmlFor + "-label";
      named(box, label.id);
      const shown = box.querySelector(".select2-selection__rendered");
      if (shown) named(shown, label.id);
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
  // The autocomplete boxes are built by the admin's own script, whenever jQuery gets to it:
  // name what is there, then whatever is added.
  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("#content-main form");
    if (!form) return;
    nameControls(form);
    new MutationObserver(function () { nameControls(form); }).observe(form, { childList: true, subtree: true });
  });
})();
