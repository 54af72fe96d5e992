from django.core.management.base import BaseCommand

from pictures.models import Image


class Command(BaseCommand):
    help = (
        "Make the renditions readers download for every picture that lacks current ones "
        "(after an upgrade that changes the sizes, or pictures added outside the admin)."
    )

    def handle(self, *args, **options):
        made = 0
        for image in Image.objects.iterator():
            before = image.renditions.get("key")
            image.save()
            made += image.renditions.get("key") != before
        self.stdout.write(f"Renditions made for {made} pictures; the others were current.")
