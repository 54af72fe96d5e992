"""The layout holds: imports run one way, so each part can be read on its own.

`newsroom/`'s subpackages are the core (page cache, purges, the desk's sign-in and roles,
security, background work) and import no app, nor name one in a string: an app's permissions
and addresses come from its AppConfig, read through the app registry. `audit` (the desk log)
and `pictures` (the picture library) import only the core; `embeds` (providers' posts and
players in bodies) imports pictures and the core; `articles` may import those; `live`
(live coverage) and `chrome` (the header, footer and banner) build on articles and import
neither each other nor anything after them; `comments` may import all of those; `figures`
(story figures and the most-read ranking) may import comments and all before it; `fronts`
(the home page and sections' pages as editors arrange them) may import figures and all before
it; `newsletters` (readers' lists, editions and their sending) may import fronts and all
before it; `wordpress` (the import from WordPress) may import everything, and nothing imports it.
Only the shell (urls, wsgi, asgi, settings, context processors, the Jinja environment and
site-wide commands) sees everything, and nothing imports the shell. No first-party import
hides inside a function, except Django's `AppConfig.ready()`.
"""

import ast
import fnmatch
import re
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.urls import URLResolver, get_resolver

from newsroom.apps import declared

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "articles",
    "audit",
    "chrome",
    "comments",
    "embeds",
    "figures",
    "fronts",
    "newsletters",
    "live",
    "newsroom",
    "pictures",
    "wordpress",
)
SHELL = {
    "newsroom.urls",
    "newsroom.wsgi",
    "newsroom.asgi",
    "newsroom.settings",
    "newsroom.configuration",
    "newsroom.media_storage",
    "newsroom.context_processors",
    "newsroom.jinja2",
    "newsroom.demo",
    "newsroom.demo.content",
    "newsroom.demo.fronts",
    "newsroom.demo.live_pages",
    "newsroom.demo.media_story",
    "newsroom.demo.newsletters",
    "newsroom.demo.readings",
    "newsroom.management.commands.load_demo",
}
# Each layer may import itself and every layer below it.
_BELOW_ARTICLES = {"embeds", "pictures", "audit", "newsroom"}
_BELOW_COMMENTS = {"live", "chrome", "articles", *_BELOW_ARTICLES}
MAY_IMPORT = {
    "newsroom": {"newsroom"},
    "audit": {"audit", "newsroom"},
    "pictures": {"pictures", "newsroom"},
    "embeds": {"embeds", "pictures", "newsroom"},
    "articles": {"articles", *_BELOW_ARTICLES},
    "live": {"live", "articles", *_BELOW_ARTICLES},
    "chrome": {"chrome", "articles", *_BELOW_ARTICLES},
    "comments": {"comments", *_BELOW_COMMENTS},
    "figures": {"figures", "comments", *_BELOW_COMMENTS},
    "fronts": {"fronts", "figures", "comments", *_BELOW_COMMENTS},
    "newsletters": {"newsletters", "fronts", "figures", "comments", *_BELOW_COMMENTS},
    "wordpress": {"wordpress", "fronts", "figures", "comments", *_BELOW_COMMENTS},
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


# The core names no app: an app's permissions and addresses are declared on its AppConfig and
# read from the app registry (newsroom/apps.py), never written in the core as strings.


def app_permissions() -> set[str]:
    """Every other app's permissions, dotted (`app_label.codename`), from the models."""
    return {
        f"{opts.app_label}.{codename}"
        for model in apps.get_models()
        if (opts := model._meta).app_label != "newsroom"
        for codename in [
            *(f"{action}_{opts.model_name}" for action in opts.default_permissions),
            *(codename for codename, _ in opts.permissions),
        ]
    }


def app_url_prefixes() -> set[str]:
    """The addresses other apps answer under: included in the root URLconf, or declared."""
    prefixes = {
        f"/{pattern.pattern}"
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver)
        and isinstance(pattern.urlconf_module, ModuleType)
        and pattern.urlconf_module.__name__.split(".")[0] != "newsroom"
        and str(pattern.pattern)
    }
    for attribute in ("reader_post_paths", "reader_form_paths", "uncached_paths"):
        prefixes.update(
            p for label, paths in declared(attribute) if label != "newsroom" for p in paths
        )
    return prefixes


def names_of_apps(tree, permissions: set[str], prefixes: set[str]) -> list[str]:
    """The strings in `tree` (docstrings and f-strings too) naming an app's permission or
    address; an f-string's parts in braces count as any text (`f"articles.{a}_article"`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        for word in re.findall(r"[a-z_]+\.[\w*]+", text):
            if word in permissions or ("*" in word and fnmatch.filter(permissions, word)):
                found.append(word)
        found.extend(prefix for prefix in sorted(prefixes) if prefix in text)
    return found


def test_the_core_names_no_app_in_a_string():
    permissions, prefixes = app_permissions(), app_url_prefixes()
    named = [
        f"{name}: {what}"
        for name, path in modules()
        if name.split(".")[0] == "newsroom" and name not in SHELL and ".migrations." not in name
        for what in names_of_apps(ast.parse(path.read_text()), permissions, prefixes)
    ]
    assert named == []


def test_the_check_catches_an_app_named_in_the_core():
    """Permissions and addresses come from the registry, and are seen wherever they are written."""
    permissions, prefixes = app_permissions(), app_url_prefixes()
    assert {"articles.publish_article", "comments.moderate_reply"} <= permissions
    assert {"/replies/", "/preview/"} <= prefixes
    source = (
        'PUBLISHING = "articles.publish_article"\n'
        "def allowed(path):\n"
        '    """Readers post to /replies/ only."""\n'
        '    return [f"comments.{a}_reply" for a in ("view", "change")]\n'
    )
    assert names_of_apps(ast.parse(source), permissions, prefixes) == [
        "articles.publish_article",
        "/replies/",
        "comments.*_reply",
    ]
    harmless = 'logger = logging.getLogger("newsroom.logins")\nuser.has_perm(permission)\n'
    assert names_of_apps(ast.parse(harmless), permissions, prefixes) == []


def test_no_module_is_longer_than_four_hundred_lines():
    """A module that outgrows a few screens is split by concern (migrations aside)."""
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for folder in (*APPS, "bench", "scripts", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > 400
    ]
    assert long == []
