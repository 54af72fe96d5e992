// Click the picture to set its focal point; the two number fields stay the source of truth.
for (const picture of document.querySelectorAll("img.focal-picker")) {
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  const marker = picture.parentElement.querySelector(".focal-marker");
  if (!across || !down) continue;
  const place = () => {
    marker.style.left = `${across.value * 100}%`;
    marker.style.top = `${down.value * 100}%`;
  };
  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    across.value = ((event.clientX - box.left) / box.width).toFixed(3);
    down.value = ((event.clientY - box.top) / box.height).toFixed(3);
    place();
  });
  across.addEventListener("input", place);
  down.addEventListener("input", place);
  place();
}
