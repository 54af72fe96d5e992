"""The layout holds: imports run one way, so each part can be read on its own.

`newsroom/` is the core (page cache, purges, desk sign-in, rate limits, the client address)
and imports no app; `audit` (the desk log) imports only the core; `articles` may import both;
`live` (live coverage) and `chrome` (the header, footer and banner) build on articles and import
neither each other nor anything after them; `comments` may import all of those; `wordpress` (the
import from WordPress) may import everything, and nothing imports it.
Only the shell (urls, wsgi, asgi, settings, context processors, the Jinja environment and
site-wide commands) sees everything, and nothing imports the shell. No first-party import
hides inside a function, except Django's `AppConfig.ready()`.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("articles", "audit", "chrome", "comments", "live", "newsroom", "wordpress")
SHELL = {
    "newsroom.urls",
    "newsroom.wsgi",
    "newsroom.asgi",
    "newsroom.settings",
    "newsroom.context_processors",
    "newsroom.jinja2",
    "newsroom.management.commands.load_demo",
}
MAY_IMPORT = {
    "newsroom": {"newsroom"},
    "audit": {"audit", "newsroom"},
    "articles": {"articles", "audit", "newsroom"},
    "live": {"live", "articles", "audit", "newsroom"},
    "chrome": {"chrome", "articles", "audit", "newsroom"},
    "comments": {"comments", "live", "chrome", "articles", "audit", "newsroom"},
    "wordpress": {"wordpress", "comments", "live", "chrome", "articles", "audit", "newsroom"},
}


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def first_party_imports(tree):
    """(module imported, whether inside a function, the function's name) for each import."""
    found = []

    def visit(node, function=None):
        for child in ast.iter_child_nodes(node):
            inside = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None
            )
            if isinstance(child, ast.Import):
                found.extend((alias.name, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.extend((f"{child.module}.{alias.name}", function) for alias in child.names)
                found.append((child.module, function))
            visit(child, inside or function)

    visit(tree)
    return [(name, function) for name, function in found if name.split(".")[0] in APPS]


def test_imports_run_one_way():
    wrong = []
    for name, path in modules():
        app = name.split(".")[0]
        for imported, _ in first_party_imports(ast.parse(path.read_text())):
            target = imported.split(".")[0]
            if any(imported == s or imported.startswith(s + ".") for s in SHELL):
                if name not in SHELL:
                    wrong.append(f"{name} imports the shell ({imported})")
            elif name not in SHELL and target not in MAY_IMPORT[app]:
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


def test_no_first_party_import_hides_inside_a_function():
    hidden = [
        f"{name}: {imported} inside {function}()"
        for name, path in modules()
        for imported, function in first_party_imports(ast.parse(path.read_text()))
        if function is not None
        and not (name.endswith(".apps") and function == "ready")
        and ".migrations." not in name  # a migration reads the models' code when it runs
    ]
    assert hidden == []


def test_the_check_catches_a_wrong_direction():
    """The walk itself: an import from articles into comments is seen, inside a function too."""
    tree = ast.parse("def view():\n    from comments.models import Reply\n")
    assert first_party_imports(tree) == [
        ("comments.models.Reply", "view"),
        ("comments.models", "view"),
    ]
