from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Replies"

    def ready(self):
        from articles.views import PagePart, add_to_article_page
        from comments import cache_tags, display, privacy
        from newsroom.tasks import daily_jobs

        cache_tags.connect()
        daily_jobs.connect(privacy.forget_clients_daily, dispatch_uid="daily-forget-clients")
        # Replies, their count (read with the article) and the form, under every article.
        add_to_article_page(
            PagePart(select_related=("reply_counts",), context=display.replies_part)
        )
