"""HTTP routes of live sessions (images now; pages arrive with the pages issue)."""

from django.urls import path

from webapp.collab import views

app_name = "collab"

urlpatterns = [
    path("sessions/<int:session_id>/turns/<int:index>.png", views.turn_image, name="turn-image"),
    path("sessions/<int:session_id>/target.png", views.target_image, name="target-image"),
]
