"""Blueprint 'groups' (being built)."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
