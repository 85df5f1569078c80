"""WebSocket routes. Each app contributes its own list; collab's arrive with live sessions."""

from webapp.collab.routing import websocket_urlpatterns as collab_routes

websocket_urlpatterns = [*collab_routes]
