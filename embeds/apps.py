from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    name = "embeds"
    verbose_name = "Embeds"

    # What each role may do here (synced by newsroom/desk/roles.py): writers add embeds by
    # pasting a link in the body; editors may also ask a provider again.
    roles = {
        "Editors": ["embeds.add_embed", "embeds.change_embed", "embeds.view_embed"],
        "Writers": ["embeds.add_embed", "embeds.view_embed"],
    }
