from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    # Who builds and sends editions (synced by newsroom/desk/roles.py).
    roles = {
        "Editors": [
            "newsletters.add_edition",
            "newsletters.change_edition",
            "newsletters.view_edition",
        ],
    }
    # The mail provider posts bounces and complaints here (newsletters/provider.py).
    reader_post_paths = ("/newsletters/provider/",)
    uncached_paths = ("/newsletters/provider/",)

    def ready(self):
        from articles.admin.extensions import DeskLink, add_desk_link
        from newsletters.admin import editions
        from newsletters.tasks import schedule_digests
        from newsroom.tasks import daily_jobs, worker_starting

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
