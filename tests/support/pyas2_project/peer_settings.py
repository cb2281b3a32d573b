"""Settings of the django-pyas2 test peer (tests/support/pyas2_peer.py starts it).

All state lives under ``PYAS2_PEER_HOME`` (sqlite database, MEDIA_ROOT), so one
project directory serves any number of peers. ``PYAS2["DATA_DIR"]`` stays unset on
purpose: an absolute DATA_DIR makes Django 5.2's ``Storage.save()`` name check raise
``SuspiciousFileOperation`` on every inbound message (HTTP 400, no MDN); files then go
under MEDIA_ROOT with relative names (gateway-anchors §5a, fix 3).
"""

import os
from pathlib import Path

HOME = Path(os.environ["PYAS2_PEER_HOME"])

# A loopback test peer: no sessions worth protecting.
SECRET_KEY = "test-peer-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pyas2",
    "peer_admin",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.request",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(HOME / "peer.sqlite3"),
        # gunicorn workers and management commands write concurrently; wait instead of failing.
        "OPTIONS": {"timeout": 30},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MEDIA_ROOT = str(HOME / "media")
STATIC_URL = "static/"
USE_TZ = True
# The URL partners POST asynchronous MDNs to; pyas2lib writes it into Receipt-Delivery-Option.
PYAS2 = {"MDN_URL": os.environ["PYAS2_PEER_MDN_URL"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"pyas2": {"handlers": ["console"], "level": "DEBUG"}},
}
