"""Contract URLs outside /contracts/: the public verification page a signed PDF's QR code opens."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/", views.verify, name="contract-verify"),
]
