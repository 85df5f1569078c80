"""WebSocket routes for live collaboration sessions (consumers arrive with the collab issue)."""

websocket_urlpatterns: list = []
