"""The lock file: installs take exactly its versions, and `make lint` (so CI) fails when
pyproject.toml's dependencies and requirements.lock disagree."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/check_lock.py")],
        env=os.environ | {"LOCK_CHECK_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_lock_agrees_with_pyproject_and_pins_every_package_with_hashes():
    assert _check(ROOT).returncode == 0
    lock = (ROOT / "requirements.lock").read_text()
    pinned = re.findall(
        r"^([A-Za-z0-9_.-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", lock, re.M
    )
    names = {name.lower() for name, _ in pinned}
    assert {"django", "django-storages", "django-tasks-db", "pillow", "boto3"} <= names
    assert len(pinned) == len(re.findall(r"^\S+==", lock, re.M)), "every pin has its hashes"


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
    assert "pyproject.toml's dependencies changed since requirements.lock was made" in result.stderr
    assert "wagtail is not in requirements.lock; run `make lock`." in result.stderr


def test_a_pin_outside_its_range_fails_the_check(tmp_path):
    root = _copy(tmp_path)
    lock = root / "requirements.lock"
    lock.write_text(re.sub(r"^django==\S+", "django==4.2.1", lock.read_text(), flags=re.M))
    result = _check(root)
    assert result.returncode == 1
    assert "Django==4.2.1 in the lock is outside 'Django>=5.2,<5.3'" in result.stderr
