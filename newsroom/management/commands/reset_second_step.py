from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Remove a member of staff's second step (their authenticator app and recovery codes), "
        "for someone who lost both: at their next sign-in they set up a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        codes, _ = StaticDevice.objects.filter(user=user).delete()
        self.stdout.write(
            f"Removed {username}'s second step ({apps} app(s), {codes} set(s) of recovery "
            "codes); they set up a new one at their next sign-in."
        )
