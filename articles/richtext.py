"""The article body's rich-text allowlist, shared by the admin editor and the sanitiser.

The editor offers exactly these extensions and `sanitize_body()` keeps exactly the markup
they produce, so what an editor can type is what readers get, and nothing else.
"""

from django_prose_editor.fields import create_sanitizer

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
}

sanitize_body = create_sanitizer(BODY_EXTENSIONS)
