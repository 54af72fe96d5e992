"""Readers' addresses for newsletters (signing up, confirming, preferences, one-click leaving)
and the mail provider's webhook for bounces and complaints."""

from django.urls import path

from newsletters import provider

app_name = "newsletters"
# Readers' pages (signing up, confirming, preferences, unsubscribing).
reader_urls: list = []
# The mail provider's webhook (bounces and complaints).
provider_urls: list = [
    path("provider/events", provider.provider_events, name="provider_events"),
]
urlpatterns = [*reader_urls, *provider_urls]
