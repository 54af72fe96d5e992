// A front's page at the desk: drag a story onto a slot (with a mouse, or by its handle with a
// finger or a pen), and search as you type. Without this script every button and the search
// form work as plain forms; with it, a drop posts the same "move" form the buttons post, and
// the results replace themselves as the editor types.
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
    drop(article, slot);
  });

  function drop(article, slot) {
    if (slot.dataset.article === article) return;
    moveForm.elements.article.value = article;
    moveForm.elements.to_block.value = slot.dataset.block;
    moveForm.elements.to_slot.value = slot.dataset.slot;
    moveForm.submit();
  }

  // A finger or a pen has no drag and drop: it moves a story by its handle (⠿), which takes
  // the pointer while the rest of the page still scrolls under a finger. The mouse keeps the
  // browser's own drag and drop above.
  let touched = null;
  function mark(slot) {
    desk.querySelectorAll(".is-drop-target").forEach((s) => s !== slot && s.classList.remove("is-drop-target"));
    if (slot) slot.classList.add("is-drop-target");
  }
  function slotAt(event) {
    const found = document.elementFromPoint(event.clientX, event.clientY);
    return found ? found.closest(".front-slot") : null;
  }
  desk.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest(".front-handle");
    if (!handle || event.pointerType === "mouse") return;
    const story = handle.closest("[data-article]");
    if (!story) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    touched = { article: story.dataset.article, story: story, handle: handle };
    story.classList.add("is-dragged");
  });
  desk.addEventListener("pointermove", (event) => {
    if (!touched) return;
    mark(slotAt(event));
    // Near the top or the bottom of the screen, the page scrolls on to the slots out of view.
    const edge = 56;
    if (event.clientY < edge) window.scrollBy(0, -24);
    else if (event.clientY > window.innerHeight - edge) window.scrollBy(0, 24);
  });
  function release(event, dropped) {
    if (!touched) return;
    const { article, story } = touched;
    touched = null;
    story.classList.remove("is-dragged");
    const slot = dropped ? slotAt(event) : null;
    mark(null);
    if (slot) drop(article, slot);
  }
  desk.addEventListener("pointerup", (event) => release(event, true));
  desk.addEventListener("pointercancel", (event) => release(event, false));

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
