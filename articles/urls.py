from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<str:token>/", views.preview, name="preview"),
    # Topic and article addresses come last: their first segment is any topic's slug.
    path("<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("<slug:topic>/<slug:slug>/", views.article_detail, name="article"),
]
