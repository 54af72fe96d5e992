// Making a topic from the article's "further topics" box, as WordPress makes tags: type a name
// no topic has, choose "Create topic “…”" (by mouse, or arrow keys and Enter), and the desk makes
// it and chooses it. The page loads this script, with the address to post to, only for people
// who may add topics. Without it the box chooses among existing topics, as before.
"use strict";
{
  const url = document.currentScript.dataset.url;
  const $ = django.jQuery;
  const PREFIX = "new-topic:"; // the offered choice's value, never a topic's id

  function say(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("errornote", isError);
  }

  async function create(select, status, name) {
    const body = new FormData();
    body.set("name", name);
    const token = select.form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let answer;
    let ok = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
      });
      ok = response.ok;
      answer = await response.json();
    } catch {
      answer = {
        error: "The topic was not created: the connection failed, or your session ended. " +
          "Try again, or reload the page.",
      };
      ok = false;
    }
    if (!ok) {
      say(status, answer.error || "The topic was not created.", true);
      return;
    }
    const id = String(answer.id);
    let option = Array.from(select.options).find((o) => o.value === id);
    if (!option) {
      option = new Option(answer.text, id, false, false);
      select.append(option);
    }
    option.selected = true;
    $(select).trigger("change");
    say(
      status,
      answer.created
        ? `Topic “${answer.text}” created and chosen.`
        : `Topic “${answer.text}” already existed; it is chosen.`,
      false,
    );
  }

  function enhance(select) {
    const status = document.createElement("div");
    status.className = "help topic-create-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    // Below the box and its buttons, above the field's help.
    (select.closest(".flex-container") || select.closest(".related-widget-wrapper") || select)
      .after(status);

    const $select = $(select);
    // The admin's autocomplete again (it reads its settings from the element's data-
    // attributes), with a "Create topic" choice after the results.
    $select.select2("destroy");
    $select.select2({
      ajax: {
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: select.dataset.appLabel,
          model_name: select.dataset.modelName,
          field_name: select.dataset.fieldName,
        }),
      },
      tags: true,
      createTag: (params) => {
        const name = params.term.trim().replace(/\s+/g, " ");
        return name ? { id: PREFIX + name, text: name, newTopic: true } : null;
      },
      insertTag: (results, tag) => results.push(tag),
      templateResult: (item) => (item.newTopic ? `Create topic “${item.text}”` : item.text),
    });

    let busy = false;
    $select.on("select2:selecting", (event) => {
      const chosen = event.params.args.data;
      if (!chosen.newTopic) return;
      event.preventDefault();
      $select.select2("close");
      $select.find("option[data-select2-tag]").filter(":not(:selected)").remove();
      if (busy) return;
      busy = true;
      say(status, `Creating topic “${chosen.text}”…`, false);
      create(select, status, chosen.text).finally(() => {
        busy = false;
      });
    });
  }

  function start(tries) {
    const select = document.getElementById("id_topics");
    if (!select || !select.form) return;
    // The admin's autocomplete.js sets up its boxes when the document is ready, as we do.
    if ($(select).data("select2")) enhance(select);
    else if (tries > 0) setTimeout(() => start(tries - 1), 50);
  }

  $(() => start(40));
}
