from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("latest/", views.PublishedListView.as_view(), name="latest"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("search/", views.search, name="search"),
    path("articles/<int:pk>/", views.permalink, name="permalink"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<int:year>/", views.ArchiveMonthView.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.ArchiveMonthView.as_view(), name="archive-month"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="feed-atom"),
    path("feed/topics/<slug:slug>/", feeds.TopicFeed(), name="topic-feed"),
    path("feed/atom/topics/<slug:slug>/", feeds.TopicAtomFeed(), name="topic-feed-atom"),
    path("feed/authors/<slug:slug>/", feeds.AuthorFeed(), name="author-feed"),
    path("feed/atom/authors/<slug:slug>/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    # Topic and article addresses come last: their first segment is any topic's slug. A
    # section's page is answered by its front (fronts/urls.py, included before this list).
    path("<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("<slug:topic>/<slug:slug>/", views.article_detail, name="article"),
]
