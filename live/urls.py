from django.urls import path

from live import views

app_name = "live"

# Under a live page's own address, `<topic>/<slug>/`: included before the articles' addresses,
# whose first segment is any topic's slug.
urlpatterns = [
    path("<slug:topic>/<slug:slug>/updates/", views.updates, name="updates"),
    path("<slug:topic>/<slug:slug>/feed/", views.UpdatesFeed(), name="feed"),
]
