// The article body editor's own parts, on top of django-prose-editor: pictures from the
// library (chosen or uploaded in picture-chooser.js), embeds, pull quotes, tables with a
// caption, and paste that keeps only what a body may hold. Each node stores the markup that
// articles/editor_extensions.py allows, and reads back bodies saved before it existed.
import {
  crel,
  Extension,
  mergeAttributes,
  Node,
  Plugin,
  Table,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const ALIGNMENTS = { text: "In the text column", wide: "Full width" }
const SHORTCUT = "Mod-Alt-p"

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  if (field) return field.value
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : ""
}

function addStylesheet(href) {
  if (!href || document.querySelector(`link[href="${CSS.escape(href)}"]`)) return
  document.head.append(crel("link", { rel: "stylesheet", href }))
}

// Enter on a selected picture or embed, or just after one, opens a paragraph after it.
function leaveBlock(editor, names) {
  const { selection } = editor.state
  let after = null
  if (selection.node && names.includes(selection.node.type.name)) {
    after = selection.to
  } else if (selection.empty && !selection.$from.parent.inlineContent) {
    const before = selection.$from.nodeBefore
    if (before && names.includes(before.type.name)) after = selection.from
  }
  if (after === null) return false
  return editor
    .chain()
    .insertContentAt(after, { type: "paragraph" })
    .setTextSelection(after + 1)
    .scrollIntoView()
    .run()
}

// After a picture goes in, the cursor goes on after it: left selected, the picture would be
// replaced by the next key typed.
function moveAfter(editor, names) {
  const { selection, doc } = editor.state
  if (!(selection.node && names.includes(selection.node.type.name))) return
  const next = doc.resolve(selection.to).nodeAfter
  if (next && next.isTextblock) {
    editor.chain().setTextSelection(selection.to + 1).scrollIntoView().run()
  } else {
    leaveBlock(editor, names)
  }
}

function nodePosition(getPos) {
  return typeof getPos === "function" ? getPos() : null
}

// --- Previews of embeds, asked of the embeds endpoint once per address ---

const previews = new Map()

function askPreview(endpoint, url) {
  if (!endpoint) return Promise.resolve(null)
  if (!previews.has(url)) {
    const body = new URLSearchParams({ url })
    const asked = fetch(endpoint, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then((response) =>
        response.status === 404
          ? { status: "unknown" }
          : response.ok
            ? response.json()
            : null,
      )
      .catch(() => null)
    previews.set(url, asked)
    // Only a finished answer is kept: a card without its preview asks again.
    asked.then((preview) => {
      if (!preview || preview.status === "pending") previews.delete(url)
    })
  }
  return previews.get(url)
}

// A provider the site knows: its address can be an embed (else it stays a link).
const isKnown = (preview) => !!preview?.provider && preview.status !== "unknown"
const PENDING_ASKS = [3000, 10000, 30000]

function ownAddress(url) {
  try {
    return new URL(url, location.href).origin === location.origin
  } catch {
    return false
  }
}

// The chooser (picture-chooser.js) is asked to open; it answers with the picture chosen, to
// go where the selection was when it opened.
function openChooser(editor, { chooserUrl, uploadUrl }) {
  const insert = (picture, at) => {
    editor
      .chain()
      .focus()
      .insertContentAt(at, {
        type: "libraryPicture",
        attrs: {
          picture: String(picture.id),
          src: picture.src,
          alt: picture.alt,
          width: picture.width,
          height: picture.height,
          caption: picture.caption,
          credit: picture.credit,
          align: "text",
        },
      })
      .run()
    moveAfter(editor, ["libraryPicture"])
  }
  document.dispatchEvent(
    new CustomEvent("picture-chooser:open", { detail: { editor, chooserUrl, uploadUrl, insert } }),
  )
}

// --- A picture from the library, with its words for this story ---

const pictureDialog = updateAttrsDialog(
  {
    alt: { title: "Alt text: what the picture shows (required)", required: true },
    caption: { title: "Caption, for this story", format: "textarea" },
    credit: { title: "Credit" },
    align: { title: "Place", enum: Object.values(ALIGNMENTS) },
  },
  { title: "Edit the picture for this story", submitText: "Save" },
)

function editPicture(editor, pos) {
  const node = editor.state.doc.nodeAt(pos)
  if (!node || node.type.name !== "libraryPicture") return false
  pictureDialog(editor, { ...node.attrs, align: ALIGNMENTS[node.attrs.align] }).then((attrs) => {
    if (!attrs) {
      editor.chain().focus().setNodeSelection(pos).run()
      return
    }
    const align = attrs.align === ALIGNMENTS.wide ? "wide" : "text"
    editor
      .chain()
      .focus()
      .setNodeSelection(pos)
      .updateAttributes("libraryPicture", {
        alt: attrs.alt.trim(),
        caption: attrs.caption.trim(),
        credit: attrs.credit.trim(),
        align,
      })
      .run()
  })
  return true
}

function figcaptionParts(figure) {
  const figcaption = figure.querySelector("figcaption")
  if (!figcaption) return { caption: "", credit: "" }
  const words = figcaption.cloneNode(true)
  const small = words.querySelector("small")
  const credit = small ? small.textContent.trim() : ""
  if (small) small.remove()
  return { caption: words.textContent.trim(), credit }
}

const fromImage = (name, number = false) => (figure) => {
  const value = figure.querySelector("img")?.getAttribute(name)
  if (value == null) return null
  return number ? Number.parseInt(value, 10) || null : value
}

export const LibraryPicture = Node.create({
  name: "libraryPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooserUrl: "", uploadUrl: "", embedUrl: "", stylesheet: "" }
  },

  addAttributes() {
    const attribute = (parseHTML, fallback = null) => ({
      default: fallback,
      parseHTML,
      rendered: false,
    })
    return {
      picture: attribute((figure) => figure.getAttribute("data-picture")),
      src: attribute(fromImage("src")),
      alt: attribute(fromImage("alt"), ""),
      width: attribute(fromImage("width", true)),
      height: attribute(fromImage("height", true)),
      caption: attribute((figure) => figcaptionParts(figure).caption, ""),
      credit: attribute((figure) => figcaptionParts(figure).credit, ""),
      align: attribute((figure) => (figure.getAttribute("data-align") === "wide" ? "wide" : "text"), "text"),
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure",
        priority: 60,
        getAttrs: (figure) =>
          figure.hasAttribute("data-embed") || !figure.querySelector("img") ? false : null,
      },
    ]
  },

  renderHTML({ node }) {
    const { picture, src, alt, width, height, caption, credit, align } = node.attrs
    const figure = picture ? { "data-picture": picture, "data-align": align } : { "data-align": align }
    const image = ["img", { src, alt, width, height }]
    const words = []
    if (caption) words.push(caption)
    if (credit) words.push(["small", {}, credit])
    return words.length
      ? ["figure", figure, image, ["figcaption", {}, ...words]]
      : ["figure", figure, image]
  },

  onCreate() {
    addStylesheet(this.options.stylesheet)
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const image = crel("img", { draggable: false })
      const caption = crel("span", { className: "body-picture__caption" })
      const credit = crel("small", { className: "body-picture__credit" })
      const edit = crel("button", {
        type: "button",
        className: "body-picture__edit",
        textContent: "Edit",
      })
      const dom = crel("figure", { className: "body-picture", contentEditable: "false" }, [
        image,
        crel("figcaption", {}, [caption, credit]),
        edit,
      ])
      const show = (current) => {
        const { src, alt, width, height, align } = current.attrs
        image.src = src || ""
        image.alt = alt || ""
        if (width) image.width = width
        if (height) image.height = height
        caption.textContent = current.attrs.caption
        credit.textContent = current.attrs.credit
        dom.classList.toggle("body-picture--wide", align === "wide")
        dom.classList.toggle("body-picture--no-alt", !alt)
        edit.setAttribute("aria-label", `Edit picture: ${alt || "no alt text yet"}`)
      }
      show(node)
      edit.addEventListener("click", (event) => {
        event.preventDefault()
        const pos = nodePosition(getPos)
        if (pos != null) editPicture(editor, pos)
      })
      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          node = updated
          show(updated)
          return true
        },
        stopEvent: (event) => edit.contains(event.target),
        ignoreMutation: () => true,
      }
    }
  },

  addCommands() {
    return {
      choosePicture:
        () =>
        ({ editor }) => {
          if (!this.options.chooserUrl) return false
          openChooser(editor, this.options)
          return true
        },
      editPicture:
        () =>
        ({ editor, state }) => {
          const { selection } = state
          if (selection.node?.type.name !== this.name) return false
          return editPicture(editor, selection.from)
        },
    }
  },

  addKeyboardShortcuts() {
    return {
      Enter: () => leaveBlock(this.editor, [this.name, "embed"]),
      [SHORTCUT]: () => this.editor.commands.choosePicture(),
    }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    return [
      new Plugin({
        props: {
          // "/" at the start of an empty paragraph opens the chooser instead.
          handleTextInput(view, from, to, text) {
            const { $from } = view.state.selection
            if (text !== "/" || $from.depth !== 1) return false
            if ($from.parent.type.name !== "paragraph" || $from.parent.content.size) return false
            return editor.commands.choosePicture()
          },
        },
      }),
    ]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryPicture",
      groups: "nodes",
      command(editor) {
        editor.commands.choosePicture()
      },
      button: buttons.material("add_photo_alternate", "Picture"),
    })
    menu.defineItem({
      name: "libraryPicture:edit",
      groups: "nodes",
      command(editor) {
        editor.commands.editPicture()
      },
      button: buttons.material("edit_note", "Edit picture"),
      hidden: (editor) => editor.state.selection.node?.type.name !== "libraryPicture",
    })
  },
})

// --- An embed: a video, post or chart from a known provider, shown as a card ---

const embedDialog = updateAttrsDialog(
  { url: { title: "Address of the video, post or chart", format: "url", required: true } },
  { title: "Embed", submitText: "Embed" },
)

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { embedUrl: "" }
  },

  addAttributes() {
    return {
      url: {
        default: "",
        parseHTML: (figure) => figure.getAttribute("data-embed"),
        rendered: false,
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]", priority: 70 }]
  },

  renderHTML({ node }) {
    const { url } = node.attrs
    return ["figure", { "data-embed": url }, ["a", { href: url }, url]]
  },

  addNodeView() {
    const endpoint = this.options.embedUrl
    return ({ node }) => {
      const dom = crel("figure", { className: "body-embed", contentEditable: "false" })
      const show = (url, asked = 0) => {
        const address = crel("span", { className: "body-embed__url", textContent: url })
        dom.replaceChildren(
          crel("span", { className: "body-embed__provider", textContent: "Embed" }),
          crel("span", { className: "body-embed__title", textContent: "Preview not available yet" }),
          address,
        )
        askPreview(endpoint, url).then((preview) => {
          if (!isKnown(preview) || node.attrs.url !== url) return
          const parts = [
            crel("span", { className: "body-embed__provider", textContent: preview.provider || "Embed" }),
            crel("span", {
              className: "body-embed__title",
              textContent: preview.title || preview.message || "Preview not available yet",
            }),
            address,
          ]
          if (preview.thumbnail_url && ownAddress(preview.thumbnail_url)) {
            parts.unshift(crel("img", { src: preview.thumbnail_url, alt: "", className: "body-embed__thumbnail" }))
          }
          dom.replaceChildren(...parts)
          if (preview.status === "pending" && asked < PENDING_ASKS.length) {
            setTimeout(() => {
              if (node.attrs.url === url && dom.isConnected) show(url, asked + 1)
            }, PENDING_ASKS[asked])
          }
        })
      }
      show(node.attrs.url)
      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          const changed = updated.attrs.url !== node.attrs.url
          node = updated
          if (changed) show(updated.attrs.url)
          return true
        },
        ignoreMutation: () => true,
      }
    }
  },

  addCommands() {
    return {
      askEmbed:
        () =>
        ({ editor }) => {
          embedDialog(editor, { url: "" }).then(async (attrs) => {
            const url = attrs?.url.trim()
            if (!url) return
            const preview = await askPreview(this.options.embedUrl, url)
            if (!this.options.embedUrl || isKnown(preview)) {
              editor.chain().focus().insertContent({ type: this.name, attrs: { url } }).run()
            } else {
              editor
                .chain()
                .focus()
                .insertContent({
                  type: "paragraph",
                  content: [{ type: "text", text: url, marks: [{ type: "link", attrs: { href: url } }] }],
                })
                .run()
            }
          })
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    return { Enter: () => leaveBlock(this.editor, [this.name, "libraryPicture"]) }
  },

  addProseMirrorPlugins() {
    const { embedUrl } = this.options
    const type = this.name
    return [
      new Plugin({
        props: {
          // A bare address pasted on a line of its own becomes an embed once the endpoint
          // says its provider is known; otherwise it stays the link it was pasted as.
          handlePaste(view, event) {
            const url = (event.clipboardData?.getData("text/plain") || "").trim()
            const { $from } = view.state.selection
            if (!embedUrl || !/^https?:\/\/\S+$/.test(url)) return false
            if ($from.depth !== 1 || $from.parent.content.size) return false
            askPreview(embedUrl, url).then((preview) => {
              if (!isKnown(preview)) return
              let found = null
              view.state.doc.forEach((child, offset) => {
                if (found === null && child.type.name === "paragraph" && child.textContent.trim() === url) {
                  found = offset
                }
              })
              if (found === null) return
              const paragraph = view.state.doc.nodeAt(found)
              const embed = view.state.schema.nodes[type].create({ url })
              view.dispatch(view.state.tr.replaceWith(found, found + paragraph.nodeSize, embed))
            })
            return false
          },
        },
      }),
    ]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command(editor) {
        editor.commands.askEmbed()
      },
      button: buttons.material("smart_display", "Embed"),
    })
  },
})

// --- A pull quote: the words and who said them ---

const PullQuoteCite = Node.create({
  name: "pullQuoteCite",
  content: "text*",
  marks: "",
  defining: true,

  parseHTML() {
    return [{ tag: "cite", context: "pullQuote/" }]
  },

  renderHTML() {
    return ["cite", { "data-placeholder": "Who said it" }, 0]
  },
})

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph pullQuoteCite",
  defining: true,
  isolating: true,

  addExtensions() {
    return [PullQuoteCite]
  },

  parseHTML() {
    return [{ tag: "blockquote.pull-quote", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["blockquote", mergeAttributes(HTMLAttributes, { class: "pull-quote" }), 0]
  },

  addCommands() {
    return {
      insertPullQuote:
        () =>
        ({ editor, state }) => {
          const { from, to } = state.selection
          const text = state.doc.textBetween(from, to, " ").trim()
          const quote = text ? [{ type: "text", text }] : []
          const done = editor
            .chain()
            .focus()
            .insertContent({
              type: this.name,
              content: [{ type: "paragraph", content: quote }, { type: "pullQuoteCite" }],
            })
            .run()
          const { $head } = editor.state.selection
          for (let depth = $head.depth; depth > 0; depth--) {
            if ($head.node(depth).type.name === this.name) {
              const start = $head.start(depth)
              editor.commands.setTextSelection(start + 1 + $head.node(depth).child(0).content.size)
              break
            }
          }
          return done
        },
    }
  },

  addKeyboardShortcuts() {
    // Enter in the quote goes on to who said it; Enter there leaves the pull quote.
    return {
      Enter: () => {
        const { $from, empty } = this.editor.state.selection
        if (!empty || $from.depth < 2 || $from.node(-1).type.name !== this.name) return false
        const quoteStart = $from.before(-1)
        const quote = $from.node(-1)
        if ($from.parent.type.name === "paragraph") {
          return this.editor.commands.setTextSelection(quoteStart + 1 + quote.child(0).nodeSize + 1)
        }
        const after = quoteStart + quote.nodeSize
        return this.editor
          .chain()
          .insertContentAt(after, { type: "paragraph" })
          .setTextSelection(after + 1)
          .scrollIntoView()
          .run()
      },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      command(editor) {
        editor.commands.insertPullQuote()
      },
      button: buttons.material("record_voice_over", "Pull quote"),
      active: (editor) => editor.isActive(this.name),
    })
  },
})

// --- A table with a caption: the stock table, its caption an attribute ---

const captionDialog = updateAttrsDialog(
  { caption: { title: "Caption: what the table shows" } },
  { title: "Table caption", submitText: "Save" },
)

function editCaption(editor) {
  const caption = editor.getAttributes("table").caption || ""
  const at = editor.state.selection.from
  captionDialog(editor, { caption }).then((attrs) => {
    const chain = editor.chain().focus().setTextSelection(at)
    if (attrs) chain.updateAttributes("table", { caption: attrs.caption.trim() })
    chain.run()
  })
  return true
}

export const CaptionedTable = Table.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        parseHTML: (table) => table.querySelector(":scope > caption")?.textContent.trim() || "",
        rendered: false,
      },
    }
  },

  parseHTML() {
    return [...(this.parent?.() || [{ tag: "table" }]), { tag: "table > caption", ignore: true }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const attributes = mergeAttributes(this.options.HTMLAttributes, HTMLAttributes)
    const { caption } = node.attrs
    return caption
      ? ["table", attributes, ["caption", {}, caption], ["tbody", 0]]
      : ["table", attributes, ["tbody", 0]]
  },

  addNodeView() {
    const makeView = this.parent?.()
    return (props) => {
      const view = makeView(props)
      const button = crel("button", { type: "button", className: "body-table__caption" })
      const caption = crel("caption", { contentEditable: "false" }, [button])
      view.table.prepend(caption)
      const show = (node) => {
        button.textContent = node.attrs.caption || "Add a caption"
        button.classList.toggle("is-empty", !node.attrs.caption)
      }
      show(props.node)
      button.addEventListener("click", (event) => {
        event.preventDefault()
        const pos = nodePosition(props.getPos)
        if (pos == null) return
        props.editor.chain().setTextSelection(pos + 4).run()
        editCaption(props.editor)
      })
      const update = view.update.bind(view)
      view.update = (node) => {
        if (!update(node)) return false
        show(node)
        return true
      }
      const ignore = view.ignoreMutation.bind(view)
      view.ignoreMutation = (mutation) =>
        caption.contains(mutation.target) ||
        (mutation.type === "childList" && mutation.target === view.table) ||
        ignore(mutation)
      view.stopEvent = (event) => caption.contains(event.target)
      return view
    }
  },

  addMenuItems({ editor, buttons, menu }) {
    this.parent?.({ editor, buttons, menu })
    menu.defineItem({
      name: "table",
      groups: "table",
      command(editor) {
        editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()
      },
      button: buttons.material("grid_on", "Table"),
    })
    menu.defineItem({
      name: "table:caption",
      groups: "table",
      command: editCaption,
      button: buttons.material("short_text", "Table caption"),
      hidden: (editor) => !editor.isActive("table"),
    })
  },
})

// --- Paste: headings brought to the body's two levels; rules and tables kept ---

const RENAMED = { H1: "h2", H4: "h3", H5: "h3", H6: "h3" }

// A picture from another site is never pasted unseen: it is kept as a link to it, and the
// editor is told (the library's pictures are the only ones readers' pages load).
function isOwnMedia(src, mediaUrl) {
  try {
    const address = new URL(src, location.href)
    const media = new URL(mediaUrl, location.href)
    return address.origin === media.origin && address.pathname.startsWith(media.pathname)
  } catch {
    return false
  }
}

export function cleanPastedHTML(html, { mediaUrl = "/media/", outside = [] } = {}) {
  const doc = new DOMParser().parseFromString(html, "text/html")
  for (const heading of doc.body.querySelectorAll("h1, h4, h5, h6")) {
    const renamed = doc.createElement(RENAMED[heading.tagName])
    renamed.append(...heading.childNodes)
    heading.replaceWith(renamed)
  }
  for (const image of doc.body.querySelectorAll("img")) {
    const src = image.getAttribute("src") || ""
    if (isOwnMedia(src, mediaUrl)) continue
    outside.push(src)
    const link = doc.createElement("a")
    link.href = src
    link.textContent = `Picture from another site, not shown: ${src}`
    const paragraph = doc.createElement("p")
    paragraph.append(link)
    ;(image.closest("figure") || image).replaceWith(paragraph)
  }
  return doc.body.innerHTML
}

function tellOutside(view, outside) {
  const holder = view.dom.closest(".prose-editor") || view.dom.parentElement
  let notice = holder.parentElement.querySelector(".body-paste-notice")
  if (!notice) {
    notice = crel("p", { className: "body-paste-notice", role: "status" })
    holder.after(notice)
  }
  notice.textContent =
    `${outside.length === 1 ? "A picture" : `${outside.length} pictures`} from another site ` +
    "became a link (readers' pages load pictures from the library only): upload " +
    `${outside.length === 1 ? "it" : "them"} to the library with the Picture button to show ` +
    `${outside.length === 1 ? "it" : "them"}. ${outside.join(", ")}`
}

export const CleanPaste = Extension.create({
  name: "cleanPaste",

  addOptions() {
    return { mediaUrl: "/media/" }
  },

  addProseMirrorPlugins() {
    const { mediaUrl } = this.options
    return [
      new Plugin({
        props: {
          transformPastedHTML(html, view) {
            const outside = []
            const cleaned = cleanPastedHTML(html, { mediaUrl, outside })
            if (outside.length) tellOutside(view, outside)
            return cleaned
          },
        },
      }),
    ]
  },
})
