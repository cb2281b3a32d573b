"""Management commands that configure the django-pyas2 test peer and report its state as JSON."""
