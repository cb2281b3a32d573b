"""django-admin for the django-pyas2 test peer; run only with .venv-peers/bin/python (GPL, test-only)."""

import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
    execute_from_command_line(sys.argv)
