"""The units' fund accounts: the committee's page (deposit files, reconciliation, accounts, exports) and the owner's."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...communities.models import Community
from ...db import db, utcnow
from ...domain.errors import NotFound
from ...extensions import limiter, upload_limit
from ...security.permissions import can_manage_fund, require
from ...security.web import current_actor
from ...sessions.models import AssemblySession, RollEntry
from ...spreadsheets import MAX_ROWS, MAX_XLSX_UNPACKED
from ...voting.routes import _confirmed_letter as confirmed_letter
from ...web_params import page_arg
from ..forms.accounts import DepositFileForm
from ..services import accounts, deposits
from .common import bp

PER_PAGE = 100  # unit accounts on one page: a community of 10,000 units pages through 100 of them
MAX_DIFFERENCES = 50  # differences listed on the page; the count says how many more


def _fund_of(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_manage_fund(current_actor(), community))
    return community


def _page(community: Community, upload: DepositFileForm, problems: list[str]) -> str:
    everyone = accounts.unit_accounts(community.id)
    pages = max(1, (len(everyone) + PER_PAGE - 1) // PER_PAGE)
    page = min(page_arg(), pages)
    check = accounts.reconciliation(community.id)
    return render_template(
        "fund/accounts.html",
        community=community,
        upload=upload,
        problems=problems,
        imports=deposits.imports(community.id),
        check=check,
        differences=check.differences[:MAX_DIFFERENCES],
        more_differences=max(0, len(check.differences) - MAX_DIFFERENCES),
        accounts=everyone[(page - 1) * PER_PAGE : page * PER_PAGE],
        units=len(everyone),
        page=page,
        pages=pages,
        columns=deposits.DEPOSIT_COLUMNS,
        headings=deposits.CHINESE_HEADINGS,
        max_rows=format_decimal(MAX_ROWS),
        max_mb=MAX_XLSX_UNPACKED // (1024 * 1024),
    )


@bp.get("/committee/c/<int:community_id>/fund/accounts")
@login_required
def show_accounts(community_id: int) -> str:
    return _page(_fund_of(community_id), DepositFileForm(), [])


@bp.post("/committee/c/<int:community_id>/fund/accounts/import")
@login_required
@limiter.limit(upload_limit)
def import_deposits(community_id: int) -> Response | tuple[str, int]:
    community = _fund_of(community_id)
    upload = DepositFileForm()
    if not upload.validate_on_submit():
        flash(_("Choose a CSV or XLSX file."), "error")
        return redirect(url_for(".show_accounts", community_id=community.id))
    file = upload.file.data
    try:
        done = deposits.import_deposits(
            current_actor(), community_id=community.id, filename=file.filename or "", data=file.read(), now=utcnow()
        )
    except deposits.DepositImportError as exc:
        return _page(community, upload, exc.problems), 400
    flash(ngettext("%(num)d deposit imported.", "%(num)d deposits imported.", done.rows), "success")
    return redirect(url_for(".show_accounts", community_id=community.id))


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/committee/c/<int:community_id>/fund/accounts.csv")
@login_required
def export_accounts_csv(community_id: int) -> Response:
    community = _fund_of(community_id)
    return _download("\ufeff" + accounts.export_csv(community.id), "text/csv", f"{community.slug}-fund-accounts.csv")


@bp.get("/committee/c/<int:community_id>/fund/accounts.xlsx")
@login_required
def export_accounts_xlsx(community_id: int) -> Response:
    community = _fund_of(community_id)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(accounts.export_xlsx(community.id), xlsx, f"{community.slug}-fund-accounts.xlsx")


@bp.get("/v/<token>/fund")
def letter_account(token: str) -> Response:
    """The fund accounts of the letter's units, for the holder who opened the letter in this browser (RULES §11)."""
    letter = confirmed_letter(token)
    assembly = db.session.get(AssemblySession, letter.session_id)
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    if assembly is None or entry is None:  # pragma: no cover - the letter's rows cascade with it
        raise NotFound(_("Open your voting letter again."))
    community = db.session.get(Community, assembly.community_id)
    page = render_template(
        "fund/accounts_letter.html",
        community=community,
        assembly=assembly,
        statements=accounts.account_of_units(assembly.community_id, entry.units),
        token=token,
    )
    response = current_app.response_class(page)
    response.headers["Cache-Control"] = "no-store"  # like the letter's own pages: no cache keeps them
    return response
