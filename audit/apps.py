from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Desk log"

    # What each role may do here (synced by newsroom/desk/roles.py).
    roles = {"Editors": ["audit.view_auditentry"]}
