// The "Copy link" button: shown only where the browser can copy; without it the link stays selectable.
for (const button of document.querySelectorAll(".copy-link")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = button.parentElement.querySelector(".copy-status");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Link copied.";
    } catch {
      field.select();
      status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link.";
    }
  });
}

// After posting or reporting, the address names the notice to show (#reply-awaiting): it stays
// on screen, but the address loses it, so a reload or a copied link does not say it again.
const replyNotice = /^#reply-(awaiting|reported)$/.test(location.hash)
  && document.getElementById(location.hash.slice(1));
if (replyNotice) {
  replyNotice.classList.add("shown");
  // The browser looked for the notice while it was hidden: bring it into view now, and to a
  // screen reader's attention.
  replyNotice.scrollIntoView({ block: "center" });
  replyNotice.focus({ preventScroll: true });
  history.replaceState(history.state, "", location.pathname + location.search);
}
