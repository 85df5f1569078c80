"""HTTP routes of live sessions (images now; pages arrive with the pages issue)."""

from django.urls import path

from webapp.collab import pages, views

app_name = "collab"

urlpatterns = [
    path("sessions/<int:session_id>/turns/<int:index>.png", views.turn_image, name="turn-image"),
    path("sessions/<int:session_id>/target.png", views.target_image, name="target-image"),
    # pages (webapp/collab/pages.py)
    path("sessions/", pages.my_sessions, name="sessions"),
    path("sessions/new", pages.new_session, name="new-session"),
    path("sessions/all", pages.all_sessions, name="all-sessions"),
    path("sessions/<int:session_id>/", pages.session_page, name="session"),
    path(
        "sessions/<int:session_id>/turns/<int:index>.json",
        pages.turn_segments,
        name="turn-segments",
    ),
    path("sessions/<int:session_id>/rate", pages.rate_session, name="rate"),
    path("simulations/", pages.simulations, name="simulations"),
]
