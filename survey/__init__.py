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
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* from the configured number of reverse proxies, no more."""
    hops = app.config["SIPAS_PROXY_COUNT"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Database, CSRF, translations, security headers, error pages."""
    from survey import auth, errors, i18n, limits, security

    db.init_app(app)
    limits.init_app(app)  # first: floods are refused before any other work
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount each feature: the citizen form first, then staff-facing parts."""
    from survey.admin import bp as admin_bp
    from survey.admin.posters import bp as posters_bp
    from survey.auth import bp as auth_bp
    from survey.citizen import bp as citizen_bp
    from survey.dashboard import bp as dashboard_bp
    from survey.invitations.views import bp as invitations_bp
    from survey.paper.views import bp as paper_bp
    from survey.plans.views import bp as plans_bp
    from survey.public import bp as public_bp

    app.register_blueprint(citizen_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(posters_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(paper_bp)


def register_commands(app: Flask) -> None:
    """Add the project's own commands to the `sipas` command line."""
    from survey.commands import register

    register(app)
