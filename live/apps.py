from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def ready(self):
        from articles.views import PagePart, add_to_article_page
        from live import cache_tags, views

        cache_tags.connect()
        # Key points and updates on a live page, in its previews too.
        add_to_article_page(
            PagePart(
                select_related=(),
                context=views.article_part,
                structured_data=views.structured_data,
                in_previews=True,
            )
        )
