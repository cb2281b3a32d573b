"""URLs of the django-pyas2 test peer: only the AS2 endpoints (``/pyas2/as2receive``)."""

from django.urls import include, path

urlpatterns = [path("pyas2/", include("pyas2.urls"))]
