"""WSGI entry for any server: gunicorn "mijnportfolio.entrypoints.wsgi:app".

The app is built from the environment when a server first imports this module.
"""

from mijnportfolio.entrypoints.web import create_app

app = create_app()
