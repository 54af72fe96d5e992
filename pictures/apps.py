from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class PicturesConfig(AppConfig):
    name = "pictures"
    verbose_name = "Pictures"

    # What each role may do here (synced by newsroom/desk/roles.py).
    roles = {
        "Editors": [f"pictures.{a}_image" for a in _CRUD],
        "Writers": ["pictures.add_image", "pictures.view_image"],
    }
