// The article form keeps what is typed: a copy in this browser at every change, a working
// copy on the server every little while and on leaving the tab (never a revision), a warning
// before leaving with unsaved changes, and either copy offered back when the form is opened
// again. Also: the body's word count and reading time. Its settings come from #desk-config.
(function () {
  "use strict";
  var NOT_CONTENT = ["csrfmiddlewaretoken", "loaded_version", "_save", "_continue", "_addanother",
    "_transition", "_preview", "_labels"];
  var editors = {};
  var form, key, autosaveUrl, interval, status;
  var baseline, lastSent, submitting = false, saving = false;

  // Loaded in the page's head, before the body editor, so that it hears each editor start
  // (which may be after the page has loaded: the editor's own extensions load first).
  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    editors[textarea.id] = event.detail.editor;
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || label.htmlFor + "-label";
      event.detail.editor.view.dom.setAttribute("aria-labelledby", label.id);
    }
  });

  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      // The blank rows "Add another" copies are not content (their times move with the clock).
      if (typeof value === "string" && NOT_CONTENT.indexOf(name) < 0 && name.indexOf("__prefix__") < 0) {
        pairs.push([name, value]);
      }
    });
    return pairs;
  }

  // The names shown for chosen options (autocomplete fields hold only what was chosen), so a
  // restored choice reads as it did.
  function labels() {
    var names = {};
    form.querySelectorAll("select").forEach(function (select) {
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        names[select.name + "=" + option.value] = option.text;
      });
    });
    return names;
  }

  // What an editor typed, leaving out the bookkeeping of rows (counts, ids), which differs
  // between a form of saved rows and the same rows shown from unpublished changes.
  var BOOKKEEPING = /-(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS|id|article)$/;
  function essence(pairs) {
    return pairs.filter(function (pair) { return !BOOKKEEPING.test(pair[0]); });
  }
  function same(a, b) { return JSON.stringify(essence(a)) === JSON.stringify(essence(b)); }
  function dirty() { return !same(fields(), baseline); }
  function say(text) { if (status && status.textContent !== text) status.textContent = text; }
  function clock(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function editorFor(textarea) {
    if (editors[textarea.id]) return editors[textarea.id];
    var view = textarea.parentNode.querySelector(".ProseMirror");
    return view && view.editor;
  }

  // A kept copy's HTML, read in a document that runs nothing (the browser may still report the
  // handlers it holds to the page's security policy), without scripts, frames or event handlers,
  // before the editor reads it: the editor keeps only its own markup, and the server sanitises.
  function inert(html) {
    var body = new DOMParser().parseFromString(html, "text/html").body;
    body.querySelectorAll("script, style, iframe, object, embed").forEach(function (node) {
      node.remove();
    });
    body.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)) {
          node.removeAttribute(attribute.name);
        }
      });
    });
    return body.innerHTML;
  }

  function rowsNeeded(pairs) {
    pairs.forEach(function (pair) {
      var match = /^(.+)-TOTAL_FORMS$/.exec(pair[0]);
      if (!match) return;
      var total = form.querySelector('[name="' + pair[0] + '"]');
      var add = document.querySelector("#" + match[1] + "-group .add-row a");
      for (var n = total ? parseInt(total.value, 10) : 0; add && n < parseInt(pair[1], 10); n++) {
        add.click();
      }
    });
  }

  // Fields renamed since a copy may have been kept in this browser: their new names.
  var RENAMED = { dek: "standfirst" };

  function restore(pairs, names) {
    names = names || {};
    rowsNeeded(pairs);
    var values = {};
    pairs.forEach(function (pair) {
      var name = RENAMED[pair[0]] || pair[0];
      (values[name] = values[name] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || NOT_CONTENT.indexOf(el.name) >= 0 || el.type === "file" ||
          el.name.indexOf("__prefix__") >= 0) return;
      var wanted = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = wanted.indexOf(el.value) >= 0;
      } else if (el.tagName === "SELECT") {
        wanted.forEach(function (value) {
          var known = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
          if (!known && value) el.add(new Option(names[el.name + "=" + value] || value, value));
        });
        Array.prototype.forEach.call(el.options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
      } else if (el.type !== "hidden" || /-(TOTAL|INITIAL)_FORMS$|-(id|article)$/.test(el.name) === false) {
        el.value = wanted.length ? wanted[0] : "";
        var editor = el.tagName === "TEXTAREA" && editorFor(el);
        if (editor) editor.commands.setContent(inert(el.value || ""));
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    remember();
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function remember() {
    try {
      if (dirty()) {
        localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: fields(), labels: labels() }));
      } else {
        localStorage.removeItem(key);
      }
    } catch (e) { /* a full or forbidden storage: the server copy still works */ }
  }

  function offer(copy, text, onDiscard) {
    var box = document.getElementById("desk-restore");
    if (!box) return;
    box.querySelector("p").textContent = text;
    box.hidden = false;
    box.querySelector('[data-desk="restore"]').onclick = function () {
      restore(copy.fields, copy.labels);
      box.hidden = true;
      say("Restored. Save to keep it.");
      form.querySelector("input:not([type=hidden]), textarea").focus();
    };
    box.querySelector('[data-desk="discard"]').onclick = function () {
      box.hidden = true;
      try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
      if (onDiscard) onDiscard();
      say("Discarded.");
    };
  }

  function serverCopy() {
    var node = document.getElementById("desk-working-copy");
    if (!node) return null;
    var copy = JSON.parse(node.textContent);
    var names = {};
    copy.fields = copy.fields.filter(function (pair) {
      if (pair[0] !== "_labels") return true;
      try { names = JSON.parse(pair[1]); } catch (e) { /* none */ }
      return false;
    });
    copy.labels = names;
    return copy;
  }

  function autosave(leaving) {
    if (!autosaveUrl || saving || submitting) return;
    var now = fields();
    if (same(now, lastSent) || !dirty()) return;
    var body = new FormData(form);
    body.append("_labels", JSON.stringify(labels()));
    saving = true;
    say("Saving…");
    fetch(autosaveUrl, { method: "POST", body: body, credentials: "same-origin", keepalive: !!leaving,
      headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.ok) {
          lastSent = now;
          say("Saved a moment ago (a working copy, not published).");
          window.setTimeout(function () {
            if (same(lastSent, now)) say("Working copy saved at " + clock(new Date()) + ".");
          }, 60000);
        } else if (response.status === 403 || response.redirected) {
          say("Not saved: your session has ended. Your changes are kept in this browser; sign in again in another tab.");
        } else {
          say("Not saved: the server refused it (" + response.status + "). Your changes are kept in this browser.");
        }
      })
      .catch(function () { say("Not saved: connection lost. Your changes are kept in this browser."); })
      .then(function () { saving = false; });
  }

  function count() {
    var body = document.getElementById("id_body");
    var out = document.getElementById("desk-count");
    if (!body || !out) return;
    var text = new DOMParser().parseFromString(body.value || "", "text/html").body.textContent || "";
    var words = text.split(/\s+/).filter(Boolean).length;
    var minutes = Math.max(1, Math.round(words / 230));
    out.textContent = words + (words === 1 ? " word" : " words") + " · about " + minutes +
      (minutes === 1 ? " minute" : " minutes") + " to read";
  }

  // The body editor and the autocomplete boxes are named by their field's label, as the plain
  // fields are, so that screen readers announce them.
  function nameControls() {
    form.querySelectorAll("label[for]").forEach(function (label) {
      var field = document.getElementById(label.htmlFor);
      if (!field) return;
      label.id = label.id || label.htmlFor + "-label";
      var editor = field.tagName === "TEXTAREA" && editorFor(field);
      if (editor) editor.view.dom.setAttribute("aria-labelledby", label.id);
      var box = field.parentNode.querySelector(".select2-selection");
      if (field.tagName === "SELECT" && box) {
        box.setAttribute("aria-labelledby", (label.id + " " + (box.getAttribute("aria-labelledby") || "")).trim());
        var shown = box.querySelector(".select2-selection__rendered");
        if (shown) shown.setAttribute("aria-labelledby", label.id + " " + shown.id);
        var search = box.querySelector(".select2-search__field");
        if (search) search.setAttribute("aria-labelledby", label.id);
      }
    });
    // A date and time field's two boxes, labelled only by the words before them.
    form.querySelectorAll("p.datetime").forEach(function (pair) {
      var holder = pair.closest(".fieldBox") || pair.closest(".form-row");
      var label = holder && holder.querySelector("label");
      if (!label) return;
      pair.querySelectorAll("input").forEach(function (input, n) {
        input.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "") + (n ? ", time" : ", date"));
      });
    });
    // Rows of a table of inline fields: named by their column and row (“Order, byline 2”).
    form.querySelectorAll(".tabular table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr.form-row").forEach(function (row, n) {
        Array.prototype.forEach.call(row.children, function (cell) {
          var input = cell.querySelector("input:not([type=hidden]), select");
          var name = heads[Array.prototype.indexOf.call(row.children, cell) - 1] || heads[0];
          if (input && name && !input.labels.length) input.setAttribute("aria-label", name + ", row " + (n + 1));
        });
      });
    });
  }

  function start() {
    var config = document.getElementById("desk-config");
    form = document.getElementById("article_form");
    if (!config || !form) return;
    key = config.dataset.key;
    autosaveUrl = config.dataset.autosave;
    interval = 1000 * (parseInt(config.dataset.interval, 10) || 30);
    status = document.getElementById("desk-save-state");
    baseline = fields();
    lastSent = baseline;
    nameControls();
    var row = form.querySelector(".field-body");
    if (row) {
      var out = document.createElement("p");
      out.id = "desk-count";
      out.className = "help desk-count";
      row.appendChild(out);
      count();
    }
    var local = stored();
    var server = serverCopy();
    var discardServer = server && function () {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      body.append("discard", "1");
      fetch(autosaveUrl, { method: "POST", body: body, credentials: "same-origin" });
    };
    // This browser's own copy first: it is what was typed here last. The server's copy when
    // there is none here, or when it is clearly newer (typed on another device).
    var localAt = local && !same(local.fields, baseline) ? local.at : 0;
    if (local && !localAt) {
      try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }  // saved since
    }
    if (server && !same(server.fields, baseline) && Date.parse(server.saved_at) > localAt + 5000) {
      offer(server, "A working copy autosaved at " + server.label +
        " is newer than the saved article.", discardServer);
    } else if (localAt) {
      offer(local, "You have unsaved changes from " + clock(new Date(local.at)) +
        ", kept in this browser.", discardServer);
    }
    function changed() {
      remember();
      if (!saving) say(dirty() ? "Unsaved changes: kept in this browser until you save." : "No unsaved changes.");
    }
    form.addEventListener("input", function () { changed(); count(); });
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.formTarget === "_blank") return; // a preview
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !dirty()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") autosave(true);
    });
    window.setInterval(autosave, interval);
  }

  // After the admin's own scripts (autocomplete, inlines, the editor) have set the form up.
  window.addEventListener("load", function () { window.setTimeout(start, 0); });
})();
