"""An uncached page while 50 clients send a reply's body a byte a second, against without them.

Serves the demo site as `make serve` does (granian's ASGI interface through newsroom/asgi.py, a
worker per core) in a temporary folder, with REQUEST_BODY_SECONDS long enough that the slow
clients stay connected while it measures. Prints the median and worst milliseconds of 100
searches, each new (so Django renders every one), one at a time.

Run by `make bench`. Knobs: BENCH_SLOW_CLIENTS (50).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.test_hostile import SlowClients, _free_port, _get  # noqa: E402 - the tests' clients

PYTHON = str(ROOT / ".venv/bin/python")
CLIENTS = int(os.environ.get("BENCH_SLOW_CLIENTS", 50))
TIMES = 100


def latencies(port: int, label: str) -> list[float]:
    samples = []
    for n in range(TIMES):
        status, seconds, _ = _get(port, f"/search/?q={label}{n}")
        if status != 200:
            raise SystemExit(f"a search answered {status}")
        samples.append(seconds * 1000)
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-hostile-") as folder:
        work = Path(folder)
        env = os.environ | {
            "ENV_FILE": "/nonexistent",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SERVE_MEDIA": "true",
            "LOG_LEVEL": "WARNING",
            "LOG_REQUESTS": "false",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "CACHE_URL": f"filecache://{work / 'pages'}?max_entries=20000",
            "PURGE_SEQUENCE_FILE": str(work / "purge-sequence"),
            "REQUEST_BODY_SECONDS": "600",
        }
        for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"], ["load_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = _free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/granian"),
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(os.cpu_count() or 1),
                "--respawn-failed-workers",
                "--no-ws",
                "--log-level",
                "error",
                "newsroom.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    if _get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            latencies(port, "warm")
            quiet = latencies(port, "quiet")
            article = "/world/european-discussions-ukraines-postwar-security/"
            reply = _get(port, article)[2].split('action="/replies/articles/', 1)[1].split("/")[0]
            slow = SlowClients(port, f"/replies/articles/{reply}/", count=CLIENTS)
            try:
                time.sleep(1)
                attacked = latencies(port, "attacked")
                still = len(slow.answers) == 0
            finally:
                slow.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Uncached page (a new search), {TIMES} one at a time, ms (median / worst):")
    print(f"  alone:                          {statistics.median(quiet):6.1f} / {max(quiet):6.1f}")
    print(
        f"  with {CLIENTS} slow bodies connected: "
        f"{statistics.median(attacked):6.1f} / {max(attacked):6.1f}"
        + ("" if still else "  (some slow clients were dropped early)")
    )


if __name__ == "__main__":
    main()
