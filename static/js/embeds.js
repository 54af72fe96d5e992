// Embeds: each shows our own facade (picture, title, a link to the original) until the reader
// presses its button; only then is the provider's player or post loaded. Without this script
// the facade stays a link to the original.
(() => {
  const rescans = {
    // A provider's script already on the page turns only the posts it saw: ask it to look again.
    "platform.twitter.com": () => window.twttr?.widgets?.load(),
    "www.instagram.com": () => window.instgrm?.Embeds?.process(),
  };

  function frame(button) {
    const data = button.dataset;
    const player = document.createElement("iframe");
    player.src = data.embedFrame;
    player.title = data.embedTitle;
    player.width = data.embedWidth;
    player.height = data.embedHeight;
    player.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    player.allowFullscreen = true;
    player.referrerPolicy = "strict-origin-when-cross-origin";
    player.className = "embed-frame";
    player.style.aspectRatio = `${Number(data.embedWidth) || 16} / ${Number(data.embedHeight) || 9}`;
    return player;
  }

  function post(button) {
    const holder = document.createElement("div");
    holder.className = "embed-post";
    holder.tabIndex = -1;
    holder.innerHTML = button.dataset.embedHtml; // the post's text and links, cleaned on our side
    const src = button.dataset.embedScript;
    const loaded = [...document.scripts].some((script) => script.src === src);
    if (loaded) {
      setTimeout(() => rescans[new URL(src).host]?.(), 0);
    } else {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      document.body.append(script);
    }
    return holder;
  }

  function load(button) {
    const figure = button.closest("figure.embed");
    const content = button.dataset.embedFrame ? frame(button) : post(button);
    const original = figure.querySelector(".embed-link");
    const caption = document.createElement("figcaption");
    const link = document.createElement("a");
    link.href = original.href;
    link.textContent = original.querySelector(".embed-title")?.textContent || original.href;
    caption.append(link);
    figure.classList.add("embed--loaded");
    figure.replaceChildren(content, caption);
    content.focus(); // keyboard and screen-reader users land on what they asked for
  }

  for (const consent of document.querySelectorAll("[data-embed-consent]")) {
    consent.hidden = false;
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-embed-load]");
    if (button) load(button);
  });
})();
