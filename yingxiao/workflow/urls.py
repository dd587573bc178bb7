"""Engine routes shared by every process."""

from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    path("<str:flow_name>/<int:pk>/steps/<str:action>/", views.take_step, name="step"),
    path("<str:flow_name>/<int:pk>/comments/", views.add_comment, name="comment"),
    path("<str:flow_name>/<int:pk>/attachments/", views.add_attachment, name="attachment_add"),
]
