from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    # What each role may do here (synced by newsroom/desk/roles.py): editors manage the lists,
    # build and send editions, and see who subscribes (erasing one on request); exporting the
    # addresses is a permission of its own, held by no role (an administrator gives it to the
    # few who need it).
    roles = {
        "Editors": [
            *(f"newsletters.{a}_newsletter" for a in _CRUD),
            "newsletters.add_edition",
            "newsletters.change_edition",
            "newsletters.view_edition",
            "newsletters.view_subscriber",
            "newsletters.delete_subscriber",  # erasing on request
        ]
    }
    # Readers sign up here (the form on public pages), and open the pages their e-mail links
    # to, which show a form and take it back; each is answered for one reader, so never cached.
    reader_form_paths = (
        "/newsletters/subscribe",
        "/newsletters/confirm/",
        "/newsletters/preferences/",
        "/newsletters/leave/",
    )
    # The mail provider posts bounces and complaints here (newsletters/provider.py).
    reader_post_paths = ("/newsletters/provider/",)
    uncached_paths = ("/newsletters/",)

    def ready(self):
        from articles.admin.extensions import DeskLink, add_desk_link
        from articles.page import PagePart, add_to_article_page
        from articles.views import add_to_topic_page
        from comments import events as reply_events
        from fronts.views import add_to_home_page
        from newsletters import privacy, signup
        from newsletters.admin import editions
        from newsletters.tasks import schedule_digests
        from newsroom.tasks import daily_jobs, worker_starting

        # The sign-up form: at the foot of every story, on each section's page, on the home page.
        add_to_article_page(PagePart(select_related=(), context=signup.article_part))
        add_to_topic_page(signup.section_part)
        add_to_home_page(signup.home_part)
        daily_jobs.connect(privacy.forget_unconfirmed_daily, dispatch_uid="newsletters-unconfirmed")
        # A replier erased on request leaves our lists with the same address too.
        reply_events.repliers_forgotten.connect(
            privacy.erase_forgotten_repliers, dispatch_uid="newsletters-forget-repliers"
        )
        # Each list's next digest, queued for its time.
        worker_starting.connect(schedule_digests, dispatch_uid="newsletters-daily")
        daily_jobs.connect(schedule_digests, dispatch_uid="newsletters-daily-check")
        # "Send as alert" among a published story's tools.
        add_desk_link(
            DeskLink(
                label="Send as alert",
                url=editions.alert_url,
                permission=editions.SEND_PERMISSION,
            )
        )
