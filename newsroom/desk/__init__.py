"""The desk (Django's admin, where editors, writers and moderators work): its site, the sign-in
that stops password guessing, the second step, and the roles the apps declare."""
