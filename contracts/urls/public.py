"""Contract URLs outside /contracts/: the public verification page a signed PDF's QR code opens."""

from django.urls import path

from ..views import cycle as views

urlpatterns = [
    path("<str:code>/", views.verify, name="contract-verify"),
]
