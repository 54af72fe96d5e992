from django.apps import AppConfig


class WordpressConfig(AppConfig):
    name = "wordpress"
    verbose_name = "Moving from WordPress"
    default_auto_field = "django.db.models.BigAutoField"

    # Editors see the old addresses kept from WordPress, and drop the ones no longer wanted.
    roles = {"Editors": ["wordpress.view_oldaddress", "wordpress.delete_oldaddress"]}
