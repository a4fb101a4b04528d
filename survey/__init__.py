"""SIPAS measurement service: the Flask application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey import config, db
from survey.paths import templates_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application; nothing is read at import time."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(templates_dir()),
        static_folder="static",
    )
    app.config.from_mapping(config.from_environment(Path(app.instance_path), test_config))
    register_converters(app)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_converters(app: Flask) -> None:
    """URL variables the database can take: ids within their column's range, text without NUL (else 404)."""
    from survey.params import CONVERTERS

    app.url_map.converters.update(CONVERTERS)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* from the configured number of reverse proxies, no more."""
    hops = app.config["SIPAS_PROXY_COUNT"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    """Database, CSRF, translations, security headers, error pages."""
    from survey import auth, errors, i18n, limits, security
    from survey.results import selection

    db.init_app(app)
    selection.init_app(app)  # on this app's session factory, never the global Session class
    limits.init_app(app)  # first: floods are refused before any other work
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount each feature: the citizen form first, then staff-facing parts.

    One pattern for every feature: its package defines the blueprint, its
    `views` module attaches the routes (importing the blueprint, never the
    other way round), and this is the one place that imports both.
    """
    from importlib import import_module

    from survey import admin, auth, citizen, dashboard, home, invitations, paper, plans, public

    for feature in (citizen, invitations, auth, admin, dashboard, public, plans, paper, home):
        import_module(f"{feature.__name__}.views")
        app.register_blueprint(feature.bp)
    app.register_blueprint(admin.posters_bp)


def register_commands(app: Flask) -> None:
    """Add the project's own commands to the `sipas` command line."""
    from survey.commands import register

    register(app)
