from django.apps import AppConfig


class ChromeConfig(AppConfig):
    name = "chrome"
    verbose_name = "Site header and footer"

    # What each role may do here (synced by newsroom/desk/roles.py).
    roles = {
        "Editors": [
            f"chrome.{action}_{model}"
            for model in ("breakingnews", "topbarlink")
            for action in ("add", "change", "delete", "view")
        ]
    }

    def ready(self):
        from chrome import purging

        purging.connect()
