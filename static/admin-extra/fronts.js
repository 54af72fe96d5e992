// A front's page at the desk: drag a story onto a slot, and search as you type. Without this
// script every button and the search form work as plain forms; with it, a drop posts the same
// "move" form the buttons post, and the results replace themselves as the editor types.
(function () {
  "use strict";
  const desk = document.querySelector(".front-desk");
  if (!desk || desk.dataset.canChange !== "yes") return;
  const moveForm = document.getElementById("front-move-form");
  let dragged = null;

  desk.addEventListener("dragstart", (event) => {
    const story = event.target.closest("[data-article][draggable]");
    if (!story) return;
    dragged = story.dataset.article;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });
  desk.addEventListener("dragover", (event) => {
    const slot = event.target.closest(".front-slot");
    if (!slot || dragged === null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    desk.querySelectorAll(".is-drop-target").forEach((s) => s.classList.remove("is-drop-target"));
    slot.classList.add("is-drop-target");
  });
  desk.addEventListener("dragend", () => {
    dragged = null;
    desk.querySelectorAll(".is-drop-target").forEach((s) => s.classList.remove("is-drop-target"));
  });
  desk.addEventListener("drop", (event) => {
    const slot = event.target.closest(".front-slot");
    const article = dragged || event.dataTransfer.getData("text/plain");
    if (!slot || !article) return;
    event.preventDefault();
    if (slot.dataset.article === article) return;
    moveForm.elements.article.value = article;
    moveForm.elements.to_block.value = slot.dataset.block;
    moveForm.elements.to_slot.value = slot.dataset.slot;
    moveForm.submit();
  });

  const search = document.getElementById("front-q");
  const results = document.getElementById("front-search-results");
  if (!search || !results) return;
  let timer = null;
  let asked = 0;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = search.value.trim();
      const mine = ++asked;
      const url = new URL(window.location.href);
      url.hash = "";
      url.searchParams.set("q", query);
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || mine !== asked) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const found = page.getElementById("front-search-results");
      if (found) results.replaceChildren(...found.childNodes);
    }, 250);
  });
})();
