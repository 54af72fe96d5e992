// The search and social preview: sits beside the "Search and social" fields and follows what
// is typed, falling back to the headline and standfirst while those fields are empty, as the
// pages do. Titles and descriptions are cut where search engines cut them, and the hints say
// how many characters there are. Without this script the preview shows the saved article.
(() => {
  const preview = document.getElementById("search-preview");
  if (!preview) return;
  const field = (name) => document.getElementById(`id_${name}`);
  const part = (name) => preview.querySelector(`.${name}`);
  const titleLimit = Number(preview.dataset.titleLimit);
  const descriptionLimit = Number(preview.dataset.descriptionLimit);

  const fields = field("search_title")?.closest("fieldset");
  if (fields) {
    fields.append(preview);
    fields.classList.add("with-search-preview");
  }

  const value = (name) => (field(name)?.value || "").trim().replace(/\s+/g, " ");

  // Cut at a word where one is near, as search engines do, and mark the cut.
  function cut(text, limit) {
    if (text.length <= limit) return text;
    let kept = text.slice(0, limit - 1);
    const space = kept.lastIndexOf(" ");
    const wordCut = text[limit - 1] !== " ";
    if (wordCut && space > limit * 0.6) kept = kept.slice(0, space);
    return `${kept.replace(/[\s,;:.–—-]+$/, "")}…`;
  }

  function hint(name, label, length, limit) {
    const line = preview.querySelector(`[data-hint="${name}"]`);
    const over = length > limit;
    const text =
      `${label}: ${length} of ${limit} characters` +
      (over ? " — search engines cut the rest." : ".");
    // Only a change is announced: the same words again would be read out again.
    if (line.textContent !== text) line.textContent = text;
    line.classList.toggle("over", over);
  }

  function chosenPicture() {
    for (const name of ["social_image", "hero_image"]) {
      const select = field(name);
      if (select && select.value) {
        const option = select.options[select.selectedIndex];
        return { id: select.value, text: option ? option.text : "" };
      }
    }
    return null;
  }

  function showPicture() {
    const chosen = chosenPicture();
    let known = false;
    for (const img of preview.querySelectorAll("img[data-picture]")) {
      img.hidden = !chosen || img.dataset.picture !== chosen.id;
      known ||= !img.hidden;
    }
    part("social-card-no-picture").hidden = Boolean(chosen);
    const unseen = part("social-card-unseen");
    unseen.hidden = !chosen || known;
    if (chosen && !known) {
      unseen.textContent = `“${chosen.text}”: its thumbnail shows here once the article is saved.`;
    }
  }

  function render() {
    const searchTitle = value("search_title");
    const searchDescription = value("search_description");
    const title = searchTitle || value("headline");
    const description = searchDescription || value("standfirst");
    const slug = value("slug");
    part("search-result-url").textContent =
      `${preview.dataset.origin}/${preview.dataset.section}/${slug ? `${slug}/` : "…"}`;
    part("search-result-title").textContent = cut(title, titleLimit) || "Write a headline";
    part("search-result-description").textContent = cut(description, descriptionLimit);
    part("social-card-title").textContent = title;
    part("social-card-description").textContent = description;
    hint("title", searchTitle ? "Search title" : "Headline used as title", title.length, titleLimit);
    hint(
      "description",
      searchDescription ? "Search description" : "Standfirst used as description",
      description.length,
      descriptionLimit,
    );
    showPicture();
  }

  const followed = new Set(["search_title", "search_description", "headline", "standfirst", "slug"]);
  for (const type of ["input", "keyup", "change"]) {
    document.addEventListener(type, (event) => {
      if (followed.has(event.target.id?.replace(/^id_/, ""))) render();
    });
  }
  // The picture boxes are select2 widgets, which announce a choice through jQuery only.
  for (const name of ["social_image", "hero_image"]) {
    const select = field(name);
    if (!select) continue;
    select.addEventListener("change", showPicture);
    if (window.django && django.jQuery) django.jQuery(select).on("change", showPicture);
  }
  render();
})();
