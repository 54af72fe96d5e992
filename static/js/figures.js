/* Story figures: in one page view out of `data-rate`, tell our own server which story was read
   and the host of the page the reader came from. Nothing else is sent: no cookie, no identifier.
   Nothing is sent when the reader asks not to be tracked (Global Privacy Control, Do Not Track),
   nor by a prerendered page until the reader actually sees it. Written into the page, it sends
   once the page has loaded, so the beacon never takes bandwidth from the story's picture. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon) return;
  if (navigator.globalPrivacyControl === true || navigator.doNotTrack === "1" ||
      window.doNotTrack === "1") return;
  var rate = parseInt(script.dataset.rate, 10) || 1;
  if (Math.random() * rate >= 1) return; // not sampled: this view costs the server nothing
  var host = "";
  try { host = document.referrer ? new URL(document.referrer).host : ""; } catch (e) { host = ""; }
  // The view in the address of a POST with no body: the server has no body to wait for.
  var url = script.dataset.endpoint + "?a=" + encodeURIComponent(script.dataset.article) +
    "&k=" + encodeURIComponent(script.dataset.key) + "&r=" + encodeURIComponent(host);
  function send() {
    navigator.sendBeacon(url);
  }
  function whenSeen() {
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", send, {once: true});
    } else {
      send();
    }
  }
  if (document.readyState === "complete") {
    whenSeen();
  } else {
    window.addEventListener("load", whenSeen, {once: true});
  }
})();
