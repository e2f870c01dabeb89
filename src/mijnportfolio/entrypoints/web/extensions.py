"""Flask extensions that blueprints decorate with; bound to an app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])
