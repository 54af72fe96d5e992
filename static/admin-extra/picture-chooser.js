// The body editor's picture chooser: a modal dialog to search the library, page through it
// and upload pictures in place (several at once, each with its alt text and a progress bar),
// over the two JSON views of pictures/chooser.py. One dialog per page, opened by any body
// editor on it with the event "picture-chooser:open" (body-editor.js).
import { crel } from "django-prose-editor/editor"

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  if (field) return field.value
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : ""
}

function makeChooser() {
  let editor = null
  let insert = null
  let chooserUrl = ""
  let uploadUrl = ""
  let range = null
  let page = 1
  let pages = 1
  let asked = 0 // an answer to an older search is not shown over a newer one's
  let uploads = 0

  const title = crel("h2", { id: "picture-chooser-title", textContent: "Choose a picture" })
  const close = crel("button", {
    type: "button",
    className: "picture-chooser__close",
    textContent: "Close",
  })
  const query = crel("input", {
    type: "search",
    id: "picture-chooser-q",
    placeholder: "Alt text, caption or credit",
  })
  const searchButton = crel("button", { type: "button", textContent: "Search" })
  const files = crel("input", {
    type: "file",
    id: "picture-chooser-files",
    multiple: true,
    accept: "image/jpeg,image/png,image/webp,image/gif",
  })
  const uploadAll = crel("button", {
    type: "button",
    className: "picture-chooser__upload-all",
    textContent: "Upload all",
    hidden: true,
  })
  const queue = crel("ul", { className: "picture-chooser__queue" })
  const drop = crel("div", { className: "picture-chooser__drop" }, [
    crel("label", { htmlFor: "picture-chooser-files", textContent: "Upload pictures" }),
    crel("p", { textContent: "Drop picture files here, or choose several at once:" }),
    files,
  ])
  const status = crel("p", { className: "picture-chooser__status", role: "status" })
  const grid = crel("ul", { className: "picture-chooser__grid" })
  const previous = crel("button", { type: "button", textContent: "Previous" })
  const next = crel("button", { type: "button", textContent: "Next" })
  const where = crel("span", { className: "picture-chooser__page" })
  const pager = crel(
    "nav",
    { className: "picture-chooser__pages", "aria-label": "Pages of pictures", hidden: true },
    [previous, where, next],
  )
  const dialog = crel(
    "dialog",
    { className: "picture-chooser", "aria-labelledby": "picture-chooser-title" },
    [
      crel("div", { className: "picture-chooser__head" }, [title, close]),
      crel("div", { className: "picture-chooser__search", role: "search" }, [
        crel("label", { htmlFor: "picture-chooser-q", textContent: "Search the library" }),
        crel("div", { className: "picture-chooser__row" }, [query, searchButton]),
      ]),
      crel(
        "section",
        { className: "picture-chooser__upload", "aria-label": "New pictures" },
        [drop, queue, uploadAll],
      ),
      status,
      grid,
      pager,
    ],
  )
  document.body.append(dialog)

  // The place in the story is kept while the dialog is open, and used.
  function choose(picture) {
    const at = range
    range = null
    dialog.close()
    insert(picture, at)
  }

  function choice(picture, label = "Insert") {
    const image = crel("img", {
      src: picture.thumbnail,
      alt: "",
      loading: "lazy",
      width: 160,
      height: 107,
    })
    const words = crel("span", { className: "picture-chooser__words" }, [
      crel("span", { className: "picture-chooser__alt", textContent: picture.alt }),
    ])
    if (picture.caption) {
      words.append(
        crel("span", { className: "picture-chooser__caption", textContent: picture.caption }),
      )
    }
    if (picture.credit) {
      words.append(
        crel("span", { className: "picture-chooser__credit", textContent: picture.credit }),
      )
    }
    const button = crel(
      "button",
      { type: "button", className: "picture-chooser__choice", title: label },
      [image, words],
    )
    button.addEventListener("click", () => choose(picture))
    return button
  }

  async function load(toPage = 1) {
    const address = new URL(chooserUrl, location.href)
    address.searchParams.set("q", query.value.trim())
    address.searchParams.set("page", toPage)
    status.textContent = "Looking…"
    const mine = ++asked
    let answer
    try {
      const response = await fetch(address, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      if (!response.ok) throw new Error(response.statusText)
      answer = await response.json()
    } catch {
      if (mine === asked) status.textContent = "The library could not be reached. Try again."
      return
    }
    if (mine !== asked) return
    page = answer.page
    pages = answer.pages
    grid.replaceChildren(
      ...answer.results.map((picture) => crel("li", {}, [choice(picture)])),
    )
    status.textContent = answer.results.length
      ? `${pages > 1 ? `Page ${page} of ${pages}. ` : ""}Choose a picture to put it in the story.`
      : query.value.trim()
        ? "No picture in the library matches these words."
        : "The library is empty: upload a picture above."
    where.textContent = `Page ${page} of ${pages}`
    previous.disabled = page <= 1
    next.disabled = page >= pages
    pager.hidden = pages <= 1
  }

  function queueFile(file) {
    const n = ++uploads
    const alt = crel("input", { id: `picture-chooser-alt-${n}`, required: true })
    const send = crel("button", { type: "button", textContent: "Upload" })
    const progress = crel("progress", { max: 100, value: 0, hidden: true })
    progress.setAttribute("aria-label", `Uploading ${file.name}`)
    const message = crel("p", { className: "picture-chooser__error", role: "alert" })
    const row = crel("li", { className: "picture-chooser__file" }, [
      crel("span", { className: "picture-chooser__name", textContent: file.name }),
      crel("label", { htmlFor: alt.id, textContent: `Alt text for ${file.name} (required)` }),
      crel("div", { className: "picture-chooser__row" }, [alt, send]),
      progress,
      message,
    ])
    row.upload = () => upload(file, row, alt, send, progress, message)
    send.addEventListener("click", row.upload)
    alt.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        row.upload()
      }
    })
    queue.append(row)
    uploadAll.hidden = queue.querySelectorAll(".picture-chooser__file").length < 2
    return alt
  }

  function upload(file, row, alt, send, progress, message) {
    if (!alt.value.trim()) {
      message.textContent = "Say what the picture shows (alt text) before it is uploaded."
      alt.focus()
      return
    }
    const data = new FormData()
    data.append("file", file)
    data.append("alt_text", alt.value.trim())
    const request = new XMLHttpRequest()
    request.open("POST", uploadUrl)
    request.setRequestHeader("X-CSRFToken", csrfToken())
    request.setRequestHeader("Accept", "application/json")
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = (100 * event.loaded) / event.total
    })
    request.addEventListener("load", () => {
      let answer = {}
      try {
        answer = JSON.parse(request.responseText)
      } catch {
        answer = { error: "The upload failed. Try again in a moment." }
      }
      if (request.status === 201) {
        progress.value = 100
        row.className = "picture-chooser__file picture-chooser__file--done"
        row.replaceChildren(
          crel("span", { className: "picture-chooser__name", textContent: `${file.name}: uploaded` }),
          choice(answer, "Insert this picture"),
        )
        uploadAll.hidden = queue.querySelectorAll(".picture-chooser__file:not(.picture-chooser__file--done)").length < 2
        load(1)
      } else {
        progress.hidden = true
        send.disabled = alt.disabled = false
        message.textContent = answer.error || "The upload failed. Try again in a moment."
      }
    })
    request.addEventListener("error", () => {
      progress.hidden = true
      send.disabled = alt.disabled = false
      message.textContent = "The upload failed: the connection was lost. Try again."
    })
    message.textContent = ""
    progress.hidden = false
    send.disabled = alt.disabled = true
    request.send(data)
  }

  function addFiles(list) {
    const fields = Array.from(list).map(queueFile)
    if (fields.length) fields[0].focus()
  }

  close.addEventListener("click", () => dialog.close())
  searchButton.addEventListener("click", () => load(1))
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault()
      load(1)
    }
  })
  previous.addEventListener("click", () => load(page - 1))
  next.addEventListener("click", () => load(page + 1))
  files.addEventListener("change", () => {
    addFiles(files.files)
    files.value = ""
  })
  uploadAll.addEventListener("click", () => {
    for (const row of queue.querySelectorAll(".picture-chooser__file:not(.picture-chooser__file--done)")) {
      row.upload()
    }
  })
  drop.addEventListener("dragover", (event) => {
    event.preventDefault()
    drop.classList.add("is-over")
  })
  drop.addEventListener("dragleave", () => drop.classList.remove("is-over"))
  drop.addEventListener("drop", (event) => {
    event.preventDefault()
    drop.classList.remove("is-over")
    addFiles(event.dataTransfer.files)
  })
  dialog.addEventListener("close", () => {
    // Back where the editor was: on the selected picture, or at the caret.
    if (range?.node) editor.chain().focus().setNodeSelection(range.from).run()
    else if (range) editor.chain().focus().setTextSelection(range).run()
    range = null
  })

  return {
    open(detail) {
      editor = detail.editor
      insert = detail.insert
      chooserUrl = detail.chooserUrl
      uploadUrl = detail.uploadUrl
      const { from, to, node } = editor.state.selection
      range = { from, to, node: !!node }
      // Else closing the dialog gives the editor back its focus with the caret at its start.
      editor.view.dom.blur()
      dialog.showModal()
      query.focus()
      load(1)
    },
  }
}

let chooser = null

document.addEventListener("picture-chooser:open", (event) => {
  if (!chooser) chooser = makeChooser()
  chooser.open(event.detail)
})
