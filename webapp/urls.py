"""URL routes. Apps add their own ``urls.py`` as their pages arrive."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from webapp import views
from webapp.ops import views as ops_views

admin.site.site_header = "Duet administration"
admin.site.site_title = "Duet"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("status", ops_views.status_page, name="status"),
    path("status/", ops_views.status_page),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("webapp.collab.urls")),
]
