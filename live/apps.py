from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    # What each role may do here (synced by newsroom/desk/roles.py). Writers post on the live
    # pages they are bylined on (live/coverage.py checks).
    roles = {
        "Editors": [f"live.{a}_liveupdate" for a in _CRUD],
        "Writers": [f"live.{a}_liveupdate" for a in _CRUD],
    }

    def ready(self):
        from articles.page import PagePart, add_to_article_page
        from live import picture_uses, purging, views
        from pictures import usage

        purging.connect()
        usage.register(picture_uses.uses)
        # Key points and updates on a live page, in its previews too.
        add_to_article_page(
            PagePart(
                select_related=(),
                context=views.article_part,
                in_story=True,
                structured_data=views.structured_data,
                in_previews=True,
            )
        )
