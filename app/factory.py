"""The application factory: configuration, instance folder, extensions, blueprints, CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Config, as_mapping, instance_default_database
from .db import db
from .extensions import babel, csrf, limiter, login_manager
from .i18n import select_locale
from .security.instance import instance_secret
from .web_params import RecordId


def build_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("GONGZHI_INSTANCE_PATH"))
    app.config.from_mapping(as_mapping(config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path) / "secret_key")
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = instance_default_database(app.instance_path)

    app.url_map.converters["int"] = RecordId  # before any route is added: a huge id is a 404, not an overflow
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    from . import errors
    from . import models as _models  # noqa: F401  every mapper known before the first query
    from .accounts.routes import bp as accounts_bp
    from .api.routes import bp as api_bp
    from .committees.routes import bp as committees_bp
    from .communities.routes import bp as communities_bp
    from .consultations.routes import bp as consultations_bp
    from .elections.routes import bp as elections_bp
    from .formation.routes import bp as formation_bp
    from .fund.routes import bp as fund_bp
    from .ledgers.routes import bp as ledgers_bp
    from .main.routes import bp as main_bp
    from .notices.routes import bp as notices_bp
    from .oversight.routes import areas_bp
    from .oversight.routes import bp as oversight_bp
    from .property_services.routes import bp as property_bp
    from .sessions.routes import bp as sessions_bp
    from .voting.routes import bp as voting_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(voting_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(ledgers_bp)
    app.register_blueprint(oversight_bp)
    app.register_blueprint(areas_bp)
    app.register_blueprint(elections_bp)
    app.register_blueprint(formation_bp)  # its services answer elections' committee_seated signal
    app.register_blueprint(fund_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(committees_bp)
    app.register_blueprint(property_bp)
    app.register_blueprint(api_bp)
    errors.register(app)

    from .elections.services.slates import ElectionSlates
    from .sessions.services import slates

    slates.provide(ElectionSlates())  # sessions read election slates through this, never importing elections

    from .consultations.cli import close_due_report
    from .sessions.cli import on_due

    on_due(app, close_due_report)  # `flask close-due` closes consultations too, without sessions importing them
    from .committees.services.decisions import drafted_from_motion, seated_to_publish
    from .notices.services import guard_edits, guard_publication

    guard_edits(drafted_from_motion)  # a decision drafted from a motion keeps the motion's words
    guard_publication(seated_to_publish)  # ... and is published by members seated on its committee

    from .property_services.wiring import wire as wire_property_services

    wire_property_services(app)

    from .security.web import register as register_security

    register_security(app)

    from .requestlog import register as register_request_log

    register_request_log(app)

    from .accounts.routes import ask_to_sign_in, load_user

    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(ask_to_sign_in)

    from .cli import register_cli

    register_cli(app)

    from .web import register_template_helpers

    register_template_helpers(app)
    return app
