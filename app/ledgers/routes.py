"""The committee's ledger pages: entries typed or imported, the CSV export, closing a period."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..accounts.forms import ConfirmForm
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..domain.ledger import OPENING, LedgerKind
from ..extensions import limiter, upload_limit
from ..notices.labels import CATEGORIES
from ..security.permissions import can_publish_notices, require
from ..security.web import current_actor
from ..spreadsheets import MAX_ROWS, MAX_XLSX_UNPACKED
from . import services as ledgers
from .forms import AuthorisationForm, EntryForm, ImportForm
from .models import LedgerEntry

bp = Blueprint("ledgers", __name__)


def _books_of(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_publish_notices(current_actor(), community))
    return community


def _ledger(name: str) -> LedgerKind:
    try:
        return LedgerKind(name)
    except ValueError:
        raise NotFound(_("No such ledger.")) from None


def _entry_form() -> EntryForm:
    form = EntryForm()
    # No category until one is chosen, and a balance brought forward comes last: it is never a default.
    ordered = sorted(CATEGORIES.items(), key=lambda item: item[0] == OPENING)
    form.category.choices = [SelectChoice("", _("Choose…")), *(SelectChoice(value, label) for value, label in ordered)]
    return form


def _authorisation_form() -> AuthorisationForm:
    form = AuthorisationForm(prefix="authorisation")  # its ids must not clash with the entry form on the same page
    form.category.choices = [SelectChoice(c, CATEGORIES[c]) for c in ledgers.SPENDING_CATEGORIES]
    return form


def _page(
    community: Community,
    kind: LedgerKind,
    form: EntryForm,
    upload: ImportForm,
    problems: list[str],
    authorisation: AuthorisationForm | None = None,
) -> str:
    period = ledgers.next_period(db.session(), community, kind)
    today = today_in_china(utcnow())
    return render_template(
        "ledgers/ledger.html",
        community=community,
        ledger=kind,
        entries=ledgers.entries(community.id, kind),
        next_period=period,
        last_day=(period.end - timedelta(days=1)) if period else None,
        can_close=period is not None and period.end <= today_in_china(utcnow()),
        form=form,
        upload=upload,
        action=ConfirmForm(),
        problems=problems,
        max_rows=format_decimal(MAX_ROWS),
        max_mb=MAX_XLSX_UNPACKED // (1024 * 1024),
        standing=ledgers.standing(community.id, today=today) if kind is LedgerKind.PUBLIC_INCOME else [],
        year=today.year,
        authorisation=authorisation or _authorisation_form(),
    )


@bp.route("/committee/c/<int:community_id>/ledgers/<ledger>", methods=["GET", "POST"])
@login_required
def show_ledger(community_id: int, ledger: str) -> Response | str:
    community = _books_of(community_id)
    kind = _ledger(ledger)
    form = _entry_form()
    if form.validate_on_submit():
        try:
            ledgers.add_entry(
                current_actor(),
                community_id=community.id,
                ledger=kind,
                now=utcnow(),
                day=form.day.data or "",
                direction=form.direction.data or "",
                amount=form.amount.data or "",
                category=form.category.data or "",
                counterparty=form.counterparty.data or "",
                voucher=form.voucher.data or "",
                note=form.note.data or "",
                authorised_item=form.authorised_item.data or None,
            )
        except RuleViolation as exc:
            getattr(form, {"date": "day"}.get(exc.field, exc.field), form.day).errors.append(exc.reason)
        else:
            flash(_("Entry recorded."), "success")
            return redirect(url_for(".show_ledger", community_id=community.id, ledger=ledger))
    return _page(community, kind, form, ImportForm(), [])


@bp.post("/committee/c/<int:community_id>/ledgers/<ledger>/import")
@login_required
@limiter.limit(upload_limit)
def import_ledger(community_id: int, ledger: str) -> Response | str | tuple[str, int]:
    community = _books_of(community_id)
    kind = _ledger(ledger)
    upload = ImportForm()
    if not upload.validate_on_submit():
        flash(_("Choose a CSV or XLSX file."), "error")
        return redirect(url_for(".show_ledger", community_id=community.id, ledger=ledger))
    file = upload.file.data
    try:
        count = ledgers.import_entries(
            current_actor(),
            community_id=community.id,
            ledger=kind,
            filename=file.filename or "",
            data=file.read(),
            now=utcnow(),
        )
    except ledgers.LedgerImportError as exc:
        return _page(community, kind, _entry_form(), upload, exc.problems), 400
    flash(ngettext("%(num)d entry imported.", "%(num)d entries imported.", count), "success")
    return redirect(url_for(".show_ledger", community_id=community.id, ledger=ledger))


@bp.get("/committee/c/<int:community_id>/ledgers/<ledger>.csv")
@login_required
def export_ledger(community_id: int, ledger: str) -> Response:
    community = _books_of(community_id)
    kind = _ledger(ledger)
    response = current_app.response_class("\ufeff" + ledgers.export_csv(community.id, kind), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{community.slug}-{kind.value}.csv"'
    return response


@bp.post("/committee/c/<int:community_id>/ledgers/<ledger>/close")
@login_required
def close_period(community_id: int, ledger: str) -> Response:
    community = _books_of(community_id)
    kind = _ledger(ledger)
    if ConfirmForm().validate_on_submit():
        try:
            st = ledgers.close_period(current_actor(), community_id=community.id, ledger=kind, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(
                _("Period %(period)s locked. A second committee member must confirm its statement.", period=st.figures["period"]), "success"
            )
    return redirect(url_for(".show_ledger", community_id=community.id, ledger=ledger))


@bp.post("/committee/entries/<int:entry_id>/delete")
@login_required
def delete_entry(entry_id: int) -> Response:
    entry = db.session.get(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound(_("No such entry."))
    community = _books_of(entry.community_id)
    ledger = entry.ledger.value
    if ConfirmForm().validate_on_submit():
        try:
            ledgers.delete_entry(current_actor(), entry_id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Entry removed."), "success")
    return redirect(url_for(".show_ledger", community_id=community.id, ledger=ledger))


@bp.post("/committee/c/<int:community_id>/ledgers/public_income/authorisations")
@login_required
def add_authorisation(community_id: int) -> Response | str | tuple[str, int]:
    community = _books_of(community_id)
    form = _authorisation_form()
    if form.validate_on_submit():
        try:
            ledgers.authorise(
                current_actor(),
                community_id=community.id,
                category=form.category.data or "",
                cap=form.cap.data or "",
                item=form.item.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.item).errors.append(exc.reason)
        else:
            flash(_("Authorisation recorded: expenses of this category need no item of their own up to the yearly cap."), "success")
            return redirect(url_for(".show_ledger", community_id=community.id, ledger=LedgerKind.PUBLIC_INCOME.value))
    return _page(community, LedgerKind.PUBLIC_INCOME, _entry_form(), ImportForm(), [], form), 400


@bp.post("/committee/authorisations/<int:authorisation_id>/end")
@login_required
def end_authorisation(authorisation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        found = ledgers.end(current_actor(), authorisation_id, now=utcnow())
        flash(_("Authorisation ended: from now on each expense of this category cites its assembly item."), "success")
        return redirect(url_for(".show_ledger", community_id=found.community_id, ledger=LedgerKind.PUBLIC_INCOME.value))
    return redirect(url_for("main.index"))
