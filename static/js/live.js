// A live page checks for new updates while the coverage runs and the tab is visible, and
// offers them ("3 new updates"); they are inserted only when the reader asks, so nothing
// moves under what they are reading. Without this script the page works and says when it
// was last updated.
(() => {
  const section = document.querySelector("section.live[data-live-endpoint]");
  if (!section || !window.fetch) return;
  const list = section.querySelector(".live-updates");
  const notice = section.querySelector(".live-notice");
  const button = section.querySelector(".live-new");
  const newest = document.querySelector("[data-live-newest]");
  const every = Math.max(Number(section.dataset.livePoll) || 30, 1) * 1000;
  let since = section.dataset.liveSince;
  let waiting = []; // fragments received and not shown yet, newest first
  let count = 0;
  let newestLabel = "";
  let timer = null;
  let stopped = false;

  const plural = (n) => `${n} new update${n === 1 ? "" : "s"}`;

  // Whatever changes above the reader, what they are reading stays where it is on screen.
  function keepInPlace(change) {
    const anchor = [...section.parentElement.querySelectorAll(".live-update, .live, .story > *")]
      .find((el) => el.getBoundingClientRect().top >= 0);
    const before = anchor && anchor.getBoundingClientRect().top;
    change();
    if (anchor) {
      const moved = anchor.getBoundingClientRect().top - before;
      if (moved) window.scrollBy(0, moved);
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") timer = setTimeout(check, every);
  }

  async function check() {
    try {
      const url = `${section.dataset.liveEndpoint}?since=${encodeURIComponent(since)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.count) {
          waiting.unshift(data.html);
          count += data.count;
          since = data.newest;
          newestLabel = data.newest_label;
          keepInPlace(() => {
            button.textContent = data.more ? `${plural(count)} or more: show them` : `Show ${plural(count)}`;
            button.hidden = false;
            notice.textContent = `${plural(count)}.`;
          });
        }
        if (!data.running) stopped = true; // the coverage ended: nothing more will come
      }
    } catch {
      // Offline for a moment: try again at the next turn.
    }
    schedule();
  }

  button.addEventListener("click", () => {
    const marker = list.firstElementChild;
    list.insertAdjacentHTML("afterbegin", waiting.join(""));
    button.hidden = true;
    const first = list.firstElementChild;
    if (newest) {
      newest.dateTime = since;
      newest.textContent = newestLabel;
    }
    waiting = [];
    count = 0;
    button.hidden = true;
    notice.textContent = "";
    // The reader asked: take them to the newest update (the button was where they tapped), its
    // focus there for keyboard and screen-reader users.
    if (first !== marker) first.focus();
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
    else clearTimeout(timer);
  });
  schedule();
})();
