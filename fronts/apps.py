from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class FrontsConfig(AppConfig):
    name = "fronts"
    verbose_name = "Home and section pages"

    # What each role may do here (synced by newsroom/desk/roles.py). Writers do not arrange.
    roles = {
        "Editors": [
            *(f"fronts.{a}_front" for a in _CRUD),
            "fronts.view_arrangement",
            "fronts.delete_arrangement",
        ]
    }

    def ready(self):
        from articles.views import add_to_topic_page
        from fronts import purging, views

        purging.connect()
        add_to_topic_page(views.section_top)
