// A live page checks for new updates while the coverage runs and the tab is visible, and
// offers them ("Show 3 new updates") in a pill fixed near the top of the screen while the
// updates are in view, said once to screen readers (a polite status). They are inserted only
// when the reader asks, and neither the pill nor the status takes a place in the page, so
// nothing moves under what they are reading. Without this script the page works and says
// when it was last updated.
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
  let inView = true; // until the observer says otherwise (and where it is missing)

  const plural = (n) => `${n} new update${n === 1 ? "" : "s"}`;

  // The pill shows while there is something to show and the updates are on screen.
  function showPill() {
    button.hidden = !(count && inView);
  }

  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      inView = entries[entries.length - 1].isIntersecting;
      showPill();
    }).observe(list);
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
          button.textContent = data.more ? `${plural(count)} or more: show them` : `Show ${plural(count)}`;
          notice.textContent = `${plural(count)}.`;
          showPill();
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
    const first = list.firstElementChild;
    if (newest) {
      newest.dateTime = since;
      newest.textContent = newestLabel;
    }
    waiting = [];
    count = 0;
    showPill();
    notice.textContent = "";
    // The reader asked: take them to the newest update, its focus there for keyboard and
    // screen-reader users (the pill they pressed is gone).
    if (first !== marker) {
      first.focus({ preventScroll: true });
      first.scrollIntoView({ block: "start" });
    }
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
    else clearTimeout(timer);
  });
  schedule();
})();
