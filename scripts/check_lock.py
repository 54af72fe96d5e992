"""Whether the two locks agree with pyproject.toml and with each other: `make lint` (and so CI)
runs it.

requirements.lock pins what a server runs (pyproject.toml's `dependencies`);
requirements-dev.lock pins that and the `dev` extra (tests, benchmarks, lint), at the same
versions. `--stamp` records, on each lock's first line, a fingerprint of the dependency lists it
was made from (`make lock` does this after pip-compile). The check fails when a fingerprint
differs (a dependency added, removed or changed without `make lock`), when a direct
dependency's pin does not satisfy its range in pyproject.toml, or when the development lock
pins a production package at another version or with other hashes.
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
PRODUCTION = "requirements.lock"
DEVELOPMENT = "requirements-dev.lock"
STAMP = "# pyproject.toml dependencies sha256: "
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)((?: \\\n\s+--hash=\S+)*)", re.MULTILINE)


def direct(lock: str) -> list[str]:
    """The requirements in pyproject.toml that `lock` is made from."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production = project["dependencies"]
    if lock == PRODUCTION:
        return production
    return [*production, *project.get("optional-dependencies", {}).get("dev", [])]


def fingerprint(lock: str) -> str:
    return hashlib.sha256(json.dumps(direct(lock)).encode()).hexdigest()


def pins(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Each pinned package's version and hashes."""
    return {
        canonicalize_name(name): (version, frozenset(re.findall(r"--hash=(\S+)", hashes)))
        for name, version, hashes in PIN.findall(text)
    }


def problems() -> list[str]:
    found, locked = [], {}
    for lock in (PRODUCTION, DEVELOPMENT):
        path = ROOT / lock
        if not path.exists():
            found.append(f"{lock} is missing")
            continue
        text = path.read_text()
        if not text.startswith(STAMP) or text.splitlines()[0].removeprefix(STAMP) != fingerprint(
            lock
        ):
            found.append(f"pyproject.toml's dependencies changed since {lock} was made")
        locked[lock] = pins(text)
        for line in direct(lock):
            requirement = Requirement(line)
            pin = locked[lock].get(canonicalize_name(requirement.name))
            if pin is None:
                found.append(f"{requirement.name} is not in {lock}")
            elif not requirement.specifier.contains(pin[0], prereleases=True):
                found.append(f"{requirement.name}=={pin[0]} in {lock} is outside {line!r}")
    if len(locked) == 2:
        for name, (version, hashes) in locked[PRODUCTION].items():
            other = locked[DEVELOPMENT].get(name)
            if other is None:
                found.append(f"{name} is in {PRODUCTION} but not in {DEVELOPMENT}")
            elif other != (version, hashes):
                found.append(f"{name} is pinned differently in {PRODUCTION} and {DEVELOPMENT}")
    return found


def main() -> int:
    if sys.argv[1:] == ["--stamp"]:
        for lock in (PRODUCTION, DEVELOPMENT):
            path = ROOT / lock
            body = path.read_text()
            body = body.split("\n", 1)[1] if body.startswith(STAMP) else body
            path.write_text(f"{STAMP}{fingerprint(lock)}\n{body}")
    found = problems()
    for problem in found:
        print(f"lock: {problem}; run `make lock`.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
