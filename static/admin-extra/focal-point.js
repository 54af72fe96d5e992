// The focal point: click or tap the picture, or focus it and move the point with the arrow
// keys (Shift for larger steps). The two number fields stay the source of truth.
const STEP = 0.02;
const BIG_STEP = 0.1;

function focalPicker(frame) {
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  const marker = frame.querySelector(".focal-marker");
  const picture = frame.querySelector("img");
  if (!across || !down || !marker || !picture) return;
  const clamp = (value) => Math.min(1, Math.max(0, value));
  const show = () => {
    const x = clamp(Number(across.value) || 0);
    const y = clamp(Number(down.value) || 0);
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    marker.hidden = false;
    frame.setAttribute(
      "aria-valuetext",
      `${Math.round(x * 100)}% across, ${Math.round(y * 100)}% down`,
    );
  };
  const set = (x, y) => {
    across.value = clamp(x).toFixed(3);
    down.value = clamp(y).toFixed(3);
    across.dispatchEvent(new Event("change", { bubbles: true }));
    show();
  };
  frame.addEventListener("pointerdown", (event) => {
    const box = picture.getBoundingClientRect();
    set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
    frame.focus();
    event.preventDefault();
  });
  frame.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    const moves = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (!move) return;
    set(Number(across.value) + move[0], Number(down.value) + move[1]);
    event.preventDefault();
  });
  across.addEventListener("input", show);
  down.addEventListener("input", show);
  if (picture.complete) show();
  else picture.addEventListener("load", show);
}

function start() {
  for (const frame of document.querySelectorAll(".focal-frame")) focalPicker(frame);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
