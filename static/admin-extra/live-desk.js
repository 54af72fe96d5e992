// The live desk: post an update, pin or unpin one, end the coverage (asked first, here on the
// page), without leaving the page. The server answers with the list of updates anew; a posted
// update's form is emptied, a refused one keeps what was typed. Without this script the same
// forms post and come back, and the server asks before the coverage ends.
(() => {
  const desk = document.getElementById("live-desk");
  if (!desk) return;
  const status = desk.querySelector(".live-desk-status");
  let editor = null; // the update's rich-text editor, once it is ready
  desk.addEventListener("prose-editor:ready", (event) => {
    editor = event.detail.editor;
  });

  function emptyForm(form) {
    for (const field of form.querySelectorAll("input[type=text]")) field.value = "";
    // Tiptap keeps its editor on its element, should the ready event have come before us.
    const found = editor || form.querySelector("[contenteditable=true]")?.editor;
    if (found) found.commands.clearContent(true);
    const picture = form.querySelector("select");
    if (picture) {
      picture.value = "";
      if (window.django && django.jQuery) django.jQuery(picture).val(null).trigger("change");
    }
  }

  function askBeforeEnding(form, asking) {
    form.querySelector(".live-end-ask").hidden = asking;
    form.querySelector(".live-end-confirm").hidden = !asking;
    form.querySelector(asking ? "#live-end-question" : ".live-end-ask").focus();
  }

  desk.addEventListener("click", (event) => {
    if (event.target.closest(".live-end-keep")) askBeforeEnding(event.target.form, false);
  });
  desk.addEventListener("keydown", (event) => {
    const form = event.target.closest(".live-end");
    if (form && event.key === "Escape" && !form.querySelector(".live-end-confirm").hidden) {
      askBeforeEnding(form, false);
    }
  });

  desk.addEventListener("submit", async (event) => {
    const form = event.target;
    event.preventDefault();
    if (form.classList.contains("live-end") && event.submitter?.name !== "confirm") {
      askBeforeEnding(form, true);
      return;
    }
    const body = new FormData(form);
    if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
    const buttons = form.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    let data = null;
    let ok = false;
    try {
      // Not form.action: the form has a field named "action".
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      data = await response.json();
      ok = response.ok;
    } catch {
      data = { error: "Not sent: the connection failed. What you typed is still here; try again." };
    }
    for (const button of buttons) button.disabled = false;
    if (data.recent !== undefined) desk.querySelector(".live-desk-recent").innerHTML = data.recent;
    if (ok && form.id === "live-update-form") emptyForm(form);
    status.textContent = data.error || data.message;
    status.classList.toggle("errornote", Boolean(data.error));
    if (ok && body.get("action") === "end") window.location.reload(); // the form goes
  });
})();
