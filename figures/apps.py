from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = "Story figures"

    # Who reads the figures (synced by newsroom/desk/roles.py).
    roles = {
        "Editors": ["figures.view_hourlyviews"],
        "Writers": ["figures.view_hourlyviews"],
    }
    # Readers' browsers send sampled views here (figures/beacon.py); never cached.
    reader_post_paths = ("/figures/",)
    uncached_paths = ("/figures/",)

    def ready(self):
        from articles.admin.extensions import DeskLink, ListColumn, add_desk_link, add_list_column
        from articles.page import PagePart, add_to_article_page
        from figures import desk, page, purging, retention, tasks
        from newsroom.tasks import daily_jobs, worker_starting

        purging.connect()
        worker_starting.connect(tasks.schedule, dispatch_uid="figures-fold")
        daily_jobs.connect(tasks.schedule, dispatch_uid="figures-fold-daily")
        daily_jobs.connect(retention.prune_daily, dispatch_uid="figures-prune-daily")
        # The most-read stories and the beacon, under every published story (not previews).
        add_to_article_page(PagePart(select_related=(), context=page.article_part))
        add_list_column(
            ListColumn(
                name="views_24h",
                title="Views (24 h)",
                annotate=desk.with_views_24h,
                value=desk.views_24h,
                permission=desk.VIEW_PERMISSION,
            )
        )
        add_desk_link(
            DeskLink(label="Figures", url=desk.figures_url, permission=desk.VIEW_PERMISSION)
        )
