from django.urls import path

from fronts import views

app_name = "fronts"

urlpatterns = [path("", views.home, name="home")]
