"""The README and docs/ give commands a reader will type: each is run, by a test or by CI, or
here. `make` targets are dry-run (`make -n`), management commands must exist and accept the
options given, pytest invocations must collect, and the rest must be run as written by a test
named below."""

import datetime
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")

# Commands the docs give that are neither make, manage.py nor pytest: where each is run as the
# docs give it (that file must run it).
RUN_BY = {
    "createdb": "tests/test_data_safety.py",
    "pg_dump": "tests/test_data_safety.py",
    "pg_restore": "tests/test_data_safety.py",
}


def _commands() -> list[tuple[str, str]]:
    """(page, command) for every command in a ```sh block: continuation lines joined, comments
    and blank lines dropped."""
    found = []
    for page in PAGES:
        for block in re.findall(r"^\s*```sh\n(.*?)^\s*```", page.read_text(), re.M | re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = re.sub(r"\s+#\s.*$", "", line).strip()
                if line and not line.startswith("#"):
                    found.append((page.relative_to(ROOT).as_posix(), line))
    return found


COMMANDS = _commands()


def _words(command: str) -> list[str]:
    """The command's words, without the variables set before it or by `export`."""
    words = shlex.split(command)
    if words[0] == "export":
        return []
    while words and ASSIGNMENT.match(words[0]):
        words.pop(0)
    return words


def test_the_docs_give_the_commands_that_start_the_site_and_the_tests():
    given = {command for _, command in COMMANDS}
    assert {"make run", "make test", "make serve", "make serve-varnish"} <= given
    assert len(PAGES) >= 10


def test_every_make_target_and_management_command_named_in_the_docs_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    commands = set(get_commands())
    for page in PAGES:
        text = page.read_text()
        for target in re.findall(r"`(?:[A-Z_]+=\S+ )*make ([a-z][a-z-]*)", text):
            assert target in targets, f"{page.name}: make {target}"
        for command in re.findall(r"manage\.py ([a-z_]+)", text):
            assert command in commands, f"{page.name}: manage.py {command}"


@pytest.mark.parametrize(("page", "command"), COMMANDS)
def test_each_command_in_the_docs_runs(page, command, tmp_path):
    words = _words(command)
    if not words:
        return
    program = Path(words[0]).name
    if program == "make":
        dry_run = ["make", "-n", "--no-print-directory", *words[1:], f"VENV={tmp_path / 'venv'}"]
        result = subprocess.run(dry_run, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{page}: {command}\n{result.stderr}"
    elif program.startswith("python") and words[1:2] == ["manage.py"]:
        name, *arguments = words[2:]
        app = get_commands()[name]
        parser = load_command_class(app, name).create_parser("manage.py", name)
        parser.parse_args(arguments)  # an unknown option fails the test
    elif program.startswith("python") and words[1:3] == ["-m", "pytest"]:
        collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", *words[3:]]
        result = subprocess.run(collect, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{page}: {command}\n{result.stdout[-2000:]}"
    elif program == "granian":
        served = re.search(r"/granian (.*?)newsroom\.asgi:application", _makefile_serve(), re.S)
        assert served, "make serve runs granian"
        for option in (word for word in words if word.startswith("--")):
            assert option in served[1], f"{page}: make serve's granian lacks {option}"
    elif program == "tar":
        _run_tar(command, tmp_path)
    else:
        assert program in RUN_BY, f"{page}: nothing runs {command!r}"
        assert f'"{program}"' in (ROOT / RUN_BY[program]).read_text()


def _makefile_serve() -> str:
    text = (ROOT / "Makefile").read_text()
    return text[text.index("\nserve:") :]


def _run_tar(command: str, tmp_path: Path) -> None:
    """The backup of the pictures, made (and for `tar x`, first made, then restored into an
    empty folder) as the docs give it."""
    media = tmp_path / "media"
    media.mkdir()
    (media / "picture.jpg").write_bytes(b"a picture")
    today = datetime.datetime.now().strftime("%Y-%m-%d")  # as `date +%F`
    steps = [command]
    if command.startswith("tar x"):
        steps = [next(c for _, c in COMMANDS if c.startswith("tar c")), "rm -r media", command]
    for step in steps:
        run = ["bash", "-c", step.replace("YYYY-MM-DD", today)]
        result = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{step}\n{result.stderr}"
    assert (media / "picture.jpg").read_bytes() == b"a picture"
    assert list(tmp_path.glob(f"media-{today}.tar.gz"))
