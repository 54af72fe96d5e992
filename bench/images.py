"""Image benchmark: time to make one picture's renditions, and the bytes a phone reader
downloads for an article page compared with the original file. Run with `make bench`.

It builds a throwaway site in a temporary folder (SQLite, media, static files) and prints
figures; it never touches the project's own database or media.
"""

import gzip
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="newsroom.settings",
    ENV_FILE="/nonexistent",
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
    MEDIA_ROOT=str(work / "media"),
    STATIC_ROOT=str(work / "static"),
    LOG_LEVEL="WARNING",
    LOG_REQUESTS="false",
)

import django  # noqa: E402

django.setup()

from django.core.files.base import File  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw, ImageFilter  # noqa: E402

from pictures.renditions import make_renditions  # noqa: E402


def photo(path: Path, size=(4000, 3000)) -> None:
    """A photograph-like test picture: gradients, shapes and grain, so JPEG has work to do."""
    picture = PILImage.effect_noise(size, 60).convert("RGB")
    draw = ImageDraw.Draw(picture, "RGBA")
    for n in range(40):
        x, y = (n * 977) % size[0], (n * 613) % size[1]
        draw.ellipse([x, y, x + 600, y + 400], fill=(n * 6 % 255, 120, 200 - n * 4 % 200, 90))
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    picture.save(path, "JPEG", quality=92)


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def main():
    original = work / "original.jpg"
    photo(original)
    storage = FileSystemStorage(work / "renditions")
    timings = []
    for run in range(3):
        with open(original, "rb") as handle:
            image = SimpleNamespace(
                file=File(handle, name=f"bench-{run}.jpg"), focal_x=0.5, focal_y=0.5, pk=run
            )
            start = time.perf_counter()
            made = make_renditions(image, storage=storage)
            timings.append(time.perf_counter() - start)
    files = sum(len(rows) for spec in ("full", "card") for rows in made[spec].values()) + 1
    print(
        f"Renditions of a 4000×3000 JPEG ({kb(original.stat().st_size)}): {files} files, "
        f"median {statistics.median(timings):.2f} s over {len(timings)} runs"
    )
    webp = {row[0]: row[3] for row in made["full"]["WEBP"]}  # width: bytes, from the index
    jpeg = {row[0]: row[3] for row in made["full"]["JPEG"]}
    for width in sorted(webp):
        print(f"  {width:>5} px wide: WebP {kb(webp[width]):>10}   JPEG {kb(jpeg[width]):>10}")

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_demo", verbosity=0)
    from articles.models import Article

    article = Article.objects.published().get(slug="european-discussions-ukraines-postwar-security")
    client = Client()
    html = client.get(article.get_absolute_url()).content
    static_root = Path(os.environ["STATIC_ROOT"])
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    asset_bytes = sum(len(gzip.compress((static_root / a.decode()).read_bytes())) for a in assets)
    page_bytes = len(gzip.compress(html))
    # A phone 390 CSS px wide at 3× density needs 1074 px for the lead (sizes: 100vw - 2rem).
    hero = article.hero_image
    candidates = hero.rendition("full", "WEBP")
    chosen = next((row for row in candidates if row[0] >= 1074), candidates[-1])
    hero_bytes = Path(os.environ["MEDIA_ROOT"], chosen[2].removeprefix("/media/")).stat().st_size
    hero_original = Path(hero.file.path).stat().st_size
    total = page_bytes + asset_bytes + hero_bytes
    print("\nThe seed article on a phone (390 px, 3×): page, styles, script and lead picture")
    print(
        f"  HTML {kb(page_bytes)} + CSS/JS {kb(asset_bytes)} (gzip) + lead picture "
        f"{chosen[0]} px WebP {kb(hero_bytes)} = {kb(total)}"
    )
    print(f"  the demo's original lead picture alone: {kb(hero_original)}")
    phone_bytes = next((webp[w] for w in sorted(webp) if w >= 1074), webp[max(webp)])
    print(
        f"  with a 4000×3000 photograph as the lead: {kb(page_bytes + asset_bytes + phone_bytes)}"
        f" instead of {kb(page_bytes + asset_bytes + original.stat().st_size)} with the original "
        f"({original.stat().st_size / phone_bytes:.0f}× fewer picture bytes)"
    )

    upload(original)


def upload(original: Path) -> None:
    """An editor's upload through the admin: its answer, then the worker's renditions."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    editor = User.objects.create_superuser("bench", "bench@example.org", "bench-password-123")
    client = Client()
    client.force_login(editor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=editor).persistent_id
    session.save()
    answers, work_done = [], []
    for run in range(3):
        picture = SimpleUploadedFile(f"upload-{run}.jpg", original.read_bytes())
        fields = {"file": picture, "alt_text": "Bench", "focal_x": 0.5, "focal_y": 0.5}
        start = time.perf_counter()
        response = client.post("/admin/pictures/image/add/", fields)
        answers.append(time.perf_counter() - start)
        if response.status_code != 302:
            sys.exit(f"the admin refused the upload: HTTP {response.status_code}")
        start = time.perf_counter()
        call_command("worker", "--batch", verbosity=0, stdout=io.StringIO())
        work_done.append(time.perf_counter() - start)
    print("\nAn upload of that photograph through the admin (median of 3)")
    print(
        f"  the admin answers in {statistics.median(answers) * 1000:.0f} ms (the original made "
        f"upright and stripped of metadata); a worker then makes the renditions in "
        f"{statistics.median(work_done):.2f} s"
    )


if __name__ == "__main__":
    main()
