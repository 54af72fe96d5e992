import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = settings.BASE_DIR / ".local-admin"


class Command(BaseCommand):
    help = (
        "For local development only: create an `admin` superuser with a random password if "
        "there is no superuser yet, and say how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="The port the site is served on.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for local development (DEBUG on) only.")
        users = get_user_model().objects
        login_url = f"http://127.0.0.1:{options['port']}/{settings.ADMIN_URL}"
        if not users.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.create_superuser("admin", "admin@localhost", password)
            CREDENTIALS_FILE.write_text(f"admin\n{password}\n", encoding="utf-8")
            CREDENTIALS_FILE.chmod(0o600)
        if CREDENTIALS_FILE.exists():
            username, password = CREDENTIALS_FILE.read_text(encoding="utf-8").split()[:2]
            self.stdout.write(
                f"Admin: {login_url}  user: {username}  password: {password}\n"
                f"(kept in {CREDENTIALS_FILE.name}, which git ignores)"
            )
        if settings.TWO_FACTOR_REQUIRED == "none":
            self.stdout.write(
                "The password alone opens this local desk; in production editors also give a "
                "code from their phone (TWO_FACTOR_REQUIRED, see docs/security.md)."
            )
        else:
            self.stdout.write(
                f"Admin: {login_url}  log in with your existing superuser "
                "(`.venv/bin/python manage.py changepassword NAME` to reset a password)."
            )
