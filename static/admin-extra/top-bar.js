/* The top bar's links, moved by drag and drop in the desk (with a mouse, or by the handle with
   a finger or a pen). The "Move up" and "Move down" buttons are plain forms and work without
   this script; dropping a link puts the rows in their new order and posts every link's id in
   it, as the form would. */
(function () {
  "use strict";
  const list = document.querySelector("ol[data-arrange]");
  if (!list) return;
  const form = list.closest("form");
  const save = form.querySelector("button[name=save_order]");
  let dragged = null;
  let before = "";

  function order() {
    return Array.from(list.querySelectorAll("input[name=order]"), (input) => input.value).join(",");
  }

  list.querySelectorAll("li.top-bar-link").forEach(function (row) {
    row.draggable = true;
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      before = order();
      row.classList.add("is-dragged");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.name || "");
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("is-dragged");
      dragged = null;
    });
  });

  list.addEventListener("dragover", function (event) {
    if (!dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const over = event.target.closest("li.top-bar-link");
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  list.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    finish();
  });

  function finish() {
    dragged.classList.remove("is-dragged");
    dragged = null;
    if (order() === before) return;
    list.setAttribute("aria-busy", "true");
    form.requestSubmit(save);
  }

  // A finger or a pen has no drag and drop: it moves a link by its handle, which takes the
  // pointer (the rest of the page still scrolls under a finger). The mouse keeps the
  // browser's own drag and drop above.
  list.addEventListener("pointerdown", function (event) {
    const handle = event.target.closest(".top-bar-handle");
    if (!handle || event.pointerType === "mouse") return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    dragged = handle.closest("li.top-bar-link");
    before = order();
    dragged.classList.add("is-dragged");
  });
  list.addEventListener("pointermove", function (event) {
    if (!dragged || event.pointerType === "mouse") return;
    const found = document.elementFromPoint(event.clientX, event.clientY);
    const over = found && found.closest("li.top-bar-link");
    if (!over || over === dragged || !list.contains(over)) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("pointerup", function (event) {
    if (dragged && event.pointerType !== "mouse") finish();
  });
  list.addEventListener("pointercancel", function (event) {
    if (!dragged || event.pointerType === "mouse") return;
    dragged.classList.remove("is-dragged");
    dragged = null;
    Array.from(before.split(","), (pk) => document.getElementById("link-" + pk)).forEach((row) => list.appendChild(row));
  });
})();
