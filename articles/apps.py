from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    # What each role may do here (synced by newsroom/desk/roles.py). The site's flat pages
    # (About, Contact) are the articles' too: they show in the chrome the articles app keeps.
    roles = {
        "Editors": [
            *(f"articles.{a}_article" for a in _CRUD),
            "articles.publish_article",
            *(f"articles.{a}_byline" for a in _CRUD),
            *(f"articles.{a}_relatedchoice" for a in _CRUD),
            *(f"articles.{a}_articlenote" for a in _CRUD),
            "articles.view_revision",
            "articles.view_previewlink",
            *(f"articles.{a}_topic" for a in _CRUD),
            *(f"articles.{a}_author" for a in _CRUD),
            *(f"flatpages.{a}_flatpage" for a in _CRUD),
        ],
        "Writers": [
            "articles.add_article",
            "articles.change_article",
            "articles.view_article",
            *(f"articles.{a}_byline" for a in _CRUD),
            *(f"articles.{a}_relatedchoice" for a in _CRUD),
            *(f"articles.{a}_articlenote" for a in _CRUD),
            "articles.view_topic",
            "articles.view_author",
        ],
    }
    # Whoever may publish signs in to the desk with a second step.
    second_step_permissions = ("articles.publish_article",)
    # A preview link shows a draft to whoever holds it: never kept for readers.
    uncached_paths = ("/preview/",)

    def ready(self):
        from articles import picture_uses, purging, related
        from pictures import usage

        purging.connect()
        related.connect()
        usage.register(picture_uses.uses)
