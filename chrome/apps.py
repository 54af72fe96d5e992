from django.apps import AppConfig


class ChromeConfig(AppConfig):
    name = "chrome"
    verbose_name = "Site header and footer"

    def ready(self):
        from chrome import cache_tags
        from chrome.models import connect_chrome_signals

        connect_chrome_signals()
        cache_tags.connect()
