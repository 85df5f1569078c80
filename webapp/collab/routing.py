"""WebSocket routes for live collaboration sessions."""

from django.urls import path

from webapp.collab.consumers import SessionConsumer

websocket_urlpatterns = [
    path("ws/sessions/<int:session_id>/", SessionConsumer.as_asgi()),
]
