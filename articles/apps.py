from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import cache_tags
        from articles.models import connect_chrome_signals

        connect_chrome_signals()
        cache_tags.connect()
