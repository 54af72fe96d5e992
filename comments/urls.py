from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<int:article_pk>/", views.post_reply, name="post"),
    path("<int:pk>/report/", views.report_reply, name="report"),
    # The one-click unsubscribe of reply notifications (comments/notifications.py).
    path("notifications/leave/<str:token>/", views.leave_notifications, name="leave"),
]
