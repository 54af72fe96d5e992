from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Replies"

    # What each role may do here (synced by newsroom/desk/roles.py).
    roles = {
        "Editors": [
            "comments.view_reply",
            "comments.change_reply",
            "comments.moderate_reply",
            "comments.view_moderationsettings",
            "comments.change_moderationsettings",
        ],
        "Moderators": [
            "comments.view_reply",
            "comments.change_reply",
            "comments.moderate_reply",
            "comments.view_moderationsettings",
        ],
    }
    # Readers post replies and reports here (comments/urls.py, under the site's /replies/);
    # what they post is answered for them alone, so never cached.
    reader_post_paths = ("/replies/",)
    # The unsubscribe link in reply notifications: a page with a button, and a mail client's
    # one-click POST (comments/views.py).
    reader_form_paths = ("/replies/notifications/",)
    uncached_paths = ("/replies/",)

    def ready(self):
        from articles.page import PagePart, add_to_article_page
        from comments import display, privacy, purging
        from newsroom.tasks import daily_jobs

        purging.connect()
        daily_jobs.connect(privacy.forget_clients_daily, dispatch_uid="daily-forget-clients")
        # Replies, their count (read with the article) and the form, under every article.
        add_to_article_page(
            PagePart(select_related=("reply_counts",), context=display.replies_part)
        )
