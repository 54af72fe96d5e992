from django.urls import path

from figures import beacon

app_name = "figures"
urlpatterns = [path("view", beacon.receive, name="view")]
