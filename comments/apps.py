from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Replies"

    def ready(self):
        from articles.views import PagePart, add_to_article_page
        from comments import cache_tags, display

        cache_tags.connect()
        # Replies, their count (read with the article) and the form, under every article.
        add_to_article_page(
            PagePart(select_related=("reply_counts",), context=display.reply_context)
        )
