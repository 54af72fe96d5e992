"""The locks: installs take exactly their versions, a server gets no test-only package, and
`make lint` (so CI) fails when pyproject.toml's dependencies and the locks disagree."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock")
# Development tools and what only they bring in (moto's Flask server, its docker client,
# cfn-lint, sympy and networkx among them).
TEST_ONLY = {
    "aiosmtpd",
    "axe-playwright-python",
    "cfn-lint",
    "docker",
    "feedparser",
    "flask",
    "hypothesis",
    "moto",
    "networkx",
    "playwright",
    "pytest",
    "pytest-django",
    "responses",
    "ruff",
    "sympy",
    "werkzeug",
}


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/check_lock.py")],
        env=os.environ | {"LOCK_CHECK_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    for name in ("pyproject.toml", *LOCKS):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {name.lower(): version for name, version in re.findall(r"^(\S+)==(\S+)", text, re.M)}


def test_the_locks_agree_with_pyproject_and_pin_every_package_with_hashes():
    assert _check(ROOT).returncode == 0, _check(ROOT).stderr
    for lock in LOCKS:
        text = (ROOT / lock).read_text()
        pinned = re.findall(
            r"^([A-Za-z0-9_.-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", text, re.M
        )
        names = {name.lower() for name, _ in pinned}
        assert {"django", "django-storages", "django-tasks-db", "pillow", "boto3"} <= names
        assert len(pinned) == len(re.findall(r"^\S+==", text, re.M)), "every pin has its hashes"


def test_the_production_lock_names_no_test_only_package():
    production = _pinned("requirements.lock")
    assert not TEST_ONLY & set(production)
    assert {"django", "granian", "psycopg", "redis", "whitenoise"} <= set(production)


def test_the_development_lock_has_every_production_pin_at_the_same_version():
    production, development = _pinned("requirements.lock"), _pinned("requirements-dev.lock")
    assert production.items() <= development.items()
    assert set(development) >= TEST_ONLY


def _dry_run(target: str, tmp_path: Path) -> str:
    """What `make <target>` would run on a machine with nothing installed yet."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={tmp_path / 'venv'}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_serve_installs_the_production_lock_only(tmp_path):
    serve = _dry_run("serve", tmp_path)
    assert "-r requirements.lock" in serve
    assert "requirements-dev.lock" not in serve


def test_tests_benchmarks_and_lint_install_the_development_lock(tmp_path):
    for target in ("test", "bench", "lint", "run"):
        assert "--require-hashes --no-deps -r requirements-dev.lock" in _dry_run(target, tmp_path)


def test_a_dependency_added_without_make_lock_fails_the_check(tmp_path):
    root = _copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            '    "lxml>=5,<7",\n', '    "lxml>=5,<7",\n    "wagtail>=7,<8",\n'
        )
    )
    result = _check(root)
    assert result.returncode == 1
    for lock in LOCKS:
        assert f"pyproject.toml's dependencies changed since {lock} was made" in result.stderr
        assert f"wagtail is not in {lock}; run `make lock`." in result.stderr


def test_a_test_tool_added_without_make_lock_fails_only_the_development_lock(tmp_path):
    root = _copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            '    "moto[server]', '    "pytest-xdist>=3,<4",\n    "moto[server]'
        )
    )
    result = _check(root)
    assert result.returncode == 1
    assert "changed since requirements-dev.lock was made" in result.stderr
    assert "changed since requirements.lock was made" not in result.stderr


def test_a_pin_outside_its_range_fails_the_check(tmp_path):
    root = _copy(tmp_path)
    lock = root / "requirements.lock"
    lock.write_text(re.sub(r"^django==\S+", "django==4.2.1", lock.read_text(), flags=re.M))
    result = _check(root)
    assert result.returncode == 1
    assert "Django==4.2.1 in requirements.lock is outside 'Django>=5.2,<5.3'" in result.stderr
    assert "django is pinned differently in requirements.lock and requirements-dev.lock" in (
        result.stderr
    )
