"""Blueprint 'imports' (being built)."""

from flask import Blueprint

bp = Blueprint("imports", __name__)
