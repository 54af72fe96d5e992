# The newsroom app has no models. This module exists because Django sends post_migrate only to
# apps with a models module, and the roles are synced on newsroom's post_migrate.
