"""Whether requirements.lock agrees with pyproject.toml: `make lint` (and so CI) runs it.

`--stamp` records, on the lock's first line, a fingerprint of pyproject.toml's dependency
lists (`make lock` does this after pip-compile). The check fails when the fingerprint differs
(a dependency added, removed or changed without `make lock`) or when a direct dependency's pin
in the lock does not satisfy its range in pyproject.toml.
"""

import hashlib
import json
import os
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(os.environ.get("LOCK_CHECK_ROOT") or Path(__file__).resolve().parent.parent)
LOCK = ROOT / "requirements.lock"
STAMP = "# pyproject.toml dependencies sha256: "


def _direct() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project.get("optional-dependencies", {}).get("dev", [])]


def fingerprint() -> str:
    return hashlib.sha256(json.dumps(_direct()).encode()).hexdigest()


def pins(text: str) -> dict[str, str]:
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)
    }


def problems() -> list[str]:
    if not LOCK.exists():
        return ["requirements.lock is missing: run `make lock`."]
    text = LOCK.read_text()
    found = []
    if not text.startswith(STAMP) or text.splitlines()[0].removeprefix(STAMP) != fingerprint():
        found.append("pyproject.toml's dependencies changed since requirements.lock was made")
    locked = pins(text)
    for line in _direct():
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            found.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            found.append(f"{requirement.name}=={version} in the lock is outside {line!r}")
    return found


def main() -> int:
    if sys.argv[1:] == ["--stamp"]:
        body = LOCK.read_text()
        body = body.split("\n", 1)[1] if body.startswith(STAMP) else body
        LOCK.write_text(f"{STAMP}{fingerprint()}\n{body}")
    found = problems()
    for problem in found:
        print(f"requirements.lock: {problem}; run `make lock`.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
