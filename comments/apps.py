from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Replies"

    def ready(self):
        from comments import cache_tags

        cache_tags.connect()
