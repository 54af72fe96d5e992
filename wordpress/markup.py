"""Reading the old site's HTML: parsed with lxml, in time proportional to its length.

Nothing here runs a regular expression that can try a stretch of text more than once: tags
are read by lxml, and the one pass of our own (`tame`, below) reads each character once.
"""

import re

import lxml.html
from lxml import etree

# Both lxml and nh3 check each attribute of a tag against the ones before it, so one tag with
# a hundred thousand made-up attributes takes minutes. No tag of a real post has this many.
MOST_ATTRIBUTES = 100
# Tags that wrap a document: the parser stops at a `</html>`, so they go before it reads.
DOCUMENT_TAGS = frozenset({"html", "head", "body"})
# Elements whose content is text to the parser, up to their end tag (as lxml reads them).
RAW_TEXT = {
    name: re.compile(rf"</{name}[\t\n\f\r />]", re.I)
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
}
UNSHOWN = ("script", "style", "template")  # their text is never shown as words

# HTML's own reading of a tag: `<name`, then attributes, each a name perhaps followed by
# `=` and a value; every part possessive, so a tag is read once and never retried. HTML's
# spaces are these five (a no-break space is part of a name or a value).
_S = r"\t\n\f\r "
_ATTRIBUTE = rf"""[^{_S}/>][^{_S}/>=]*+(?:[{_S}]*+=[{_S}]*+(?:"[^"]*+"?|'[^']*+'?|[^{_S}>]*+))?+"""
_TAG = re.compile(rf"<(/?)([A-Za-z][^{_S}/>]*+)((?:[{_S}/]++|{_ATTRIBUTE})*+)>?")
_ATTRIBUTES = re.compile(rf"({_ATTRIBUTE})")
_NAME = re.compile(rf"[^{_S}/>][^{_S}/>=]*+")
_COMMENT_END = re.compile(r"--!?>")

_parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)


def tame(text: str) -> str:
    """`text` with what would make the parsers slow or stop early taken out: attributes past
    the hundredth of a tag, and the tags that wrap a whole document. One pass, left to right,
    reading tags, comments and raw text the way HTML does."""
    out, done, pos = [], 0, 0
    while (start := text.find("<", pos)) >= 0:
        if text.startswith("<!--", start):
            if text.startswith(("<!-->", "<!--->"), start):
                pos = text.index(">", start) + 1
                continue
            end = _COMMENT_END.search(text, start + 4)
            if end is None:
                break
            pos = end.end()
            continue
        tag = _TAG.match(text, start)
        if tag is None:
            if text.startswith(("<!", "<?", "</"), start) and text[start + 1 : start + 3] != "/>":
                end = text.find(">", start)  # a bogus comment, up to the next ">"
                if end < 0:
                    break
                pos = end + 1
            else:
                pos = start + 1
            continue
        pos = tag.end()
        name = tag[2].lower()
        if name in DOCUMENT_TAGS:
            out.append(text[done:start])
            done = pos
            continue
        if len(tag[3]) > 2 * MOST_ATTRIBUTES:
            found = _ATTRIBUTES.findall(tag[3])
            if len(found) > MOST_ATTRIBUTES:
                kept = {}
                for attribute in found:
                    kept.setdefault(_NAME.match(attribute)[0].lower(), attribute)
                    if len(kept) == MOST_ATTRIBUTES:
                        break
                out.append(text[done:start])
                out.append(f"<{tag[1]}{tag[2]} {' '.join(kept.values())}>")
                done = pos
        if not tag[1] and name in RAW_TEXT:
            end = RAW_TEXT[name].search(text, pos)
            if end is None:
                break
            if name == "script":
                # Never shown, and HTML reads a `<!--` or `<script` inside one in ways
                # of its own: the script's text goes.
                out.append(text[done:pos])
                done = end.start()
            pos = end.start()
        elif not tag[1] and name == "plaintext":
            break
    out.append(text[done:])
    return "".join(out)


def parse(text: str) -> etree._Element:
    """A fragment of HTML as the children of a `<div>`."""
    document = etree.fromstring(f"<html><body>{tame(text)}</body></html>", _parser)
    root = document.find("body")
    if root is None:
        return lxml.html.Element("div")
    root.tag = "div"
    root.attrib.clear()
    return root


def cut_short() -> bool:
    """Whether the last `parse` stopped where tags were nested more than 2,048 deep (the
    parser's limit: what follows is left out)."""
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in _parser.error_log)


def inner_html(root: etree._Element) -> str:
    """What is inside the `<div>` `parse` made, as HTML."""
    return lxml.html.tostring(root, encoding="unicode", with_tail=False)[5:-6]


def unwrap(element: etree._Element) -> None:
    """Take an element out, keeping what is inside it where it was."""
    element.drop_tag()


def remove(element: etree._Element) -> None:
    """Take an element out with what is inside it, keeping the text after it."""
    element.drop_tree()


def words(element: etree._Element) -> str:
    """The text of `element` a reader would see (no script or style)."""
    for hidden in list(element.iter(*UNSHOWN)):
        remove(hidden)
    return element.text_content()
