"""Readers' addresses for newsletters (signing up, confirming, preferences, one-click leaving)
and the mail provider's webhook for bounces and complaints."""

from django.urls import path

from newsletters import provider, views

app_name = "newsletters"
# Readers' pages (signing up, confirming, preferences, unsubscribing): the paths the links in
# e-mail name (newsletters/links.py).
reader_urls: list = [
    path("subscribe", views.subscribe, name="subscribe"),
    path("confirm/<str:token>", views.confirm, name="confirm"),
    path("preferences/<str:token>", views.preferences, name="preferences"),
    path("leave/<str:token>", views.leave, name="leave"),
]
# The mail provider's webhook (bounces and complaints).
provider_urls: list = [
    path("provider/events", provider.provider_events, name="provider_events"),
]
urlpatterns = [*reader_urls, *provider_urls]
