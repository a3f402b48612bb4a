"""Every route × every role gets the expected answer.

Adding a route without a row here fails ``test_every_route_has_a_row``: decide
who may use it before it ships. Roles: anonymous, the administrator, the chair
of community A, a committee member of community B, the street official of both;
then a district official and a city official over that office, who only read.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.clock import today_in_china
from app.communities import services as register
from app.consultations import services as consultations
from app.db import db, utcnow
from app.elections import services as elections
from app.formation import services as formation
from app.fund.services import emergencies as fund
from app.fund.services import projects
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.security.actor import actor_for
from app.security.roles import Role
from app.sessions import services as sessions
from tests.factories import CLI, PASSWORD, draft_session, enrol, login, make_world, register_csv
from tests.web import property_rows

ROLES = ("anonymous", "admin", "chair", "outsider", "official")
USERNAMES = {"admin": "admin", "chair": "chair", "outsider": "outsider", "official": "official"}

# endpoint: (method, path with {a} community A, {s} a draft session of A, {t} a session of A with letters,
# {l} a letter of it, {token} that letter's token, {n} its published announcement, {d} a draft notice,
# {p} a paper ballot the chair entered in an open session of A; expected status per role in ROLES order)
MATRIX: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "main.home": ("GET", "/", (200, 200, 200, 200, 200)),
    "main.healthz": ("GET", "/healthz", (200, 200, 200, 200, 200)),
    "main.favicon": ("GET", "/favicon.ico", (200, 200, 200, 200, 200)),
    "main.readyz": ("GET", "/readyz", (200, 200, 200, 200, 200)),
    "main.published_keys": ("GET", "/.well-known/gongzhi-keys.json", (200, 200, 200, 200, 200)),
    "main.set_language": ("POST", "/lang", (302, 302, 302, 302, 302)),
    "static": ("GET", "/static/css/site.css", (200, 200, 200, 200, 200)),
    "accounts.login": ("GET", "/login", (200, 302, 302, 302, 302)),
    "accounts.second_factor": ("GET", "/login/code", (302, 302, 302, 302, 302)),
    "accounts.enrol": ("GET", "/login/enrol", (302, 302, 302, 302, 302)),
    "accounts.account": ("GET", "/account", (302, 200, 200, 200, 200)),
    "accounts.new_recovery_codes": ("POST", "/account/recovery-codes", (302, 302, 302, 302, 302)),
    "communities.index": ("GET", "/admin/", (302, 200, 200, 200, 200)),
    "communities.show_community": ("GET", "/admin/c/{a}", (302, 200, 200, 403, 200)),
    "communities.list_units": ("GET", "/admin/c/{a}/units", (302, 200, 200, 403, 200)),
    "communities.add_building": ("POST", "/admin/c/{a}/buildings", (302, 302, 403, 403, 403)),
    "communities.upload_register": ("GET", "/admin/c/{a}/register", (302, 200, 403, 403, 403)),
    "communities.confirm_register": ("POST", "/admin/c/{a}/register/confirm", (302, 302, 403, 403, 403)),
    "voting.open_letter": ("GET", "/v/{token}", (200, 200, 200, 200, 200)),
    # Ballot steps need the letter opened in this browser first: nobody here has.
    "voting.review_ballot": ("POST", "/v/{token}/review", (404, 404, 404, 404, 404)),
    "voting.show_review": ("GET", "/v/{token}/review", (404, 404, 404, 404, 404)),
    "voting.cast_ballot": ("POST", "/v/{token}/cast", (404, 404, 404, 404, 404)),
    # The receipt needs the letter opened in this browser too.
    "voting.show_receipt": ("GET", "/v/{token}/receipt", (404, 404, 404, 404, 404)),
    "voting.download_receipt": ("GET", "/v/{token}/receipt.json", (404, 404, 404, 404, 404)),
    "voting.receipt_qr": ("GET", "/v/{token}/receipt.svg", (404, 404, 404, 404, 404)),
    "voting.file_objection": ("POST", "/v/{token}/objections", (404, 404, 404, 404, 404)),
    "voting.objection_file": ("GET", "/v/{token}/objections/nonexistent/files/1", (404, 404, 404, 404, 404)),
    "voting.answer_objection": ("POST", "/committee/objections/nonexistent/answer", (302, 404, 404, 404, 404)),
    "voting.committee_objection_file": ("GET", "/committee/objections/nonexistent/files/1", (302, 404, 404, 404, 404)),
    "voting.start_petition": ("POST", "/v/{token}/petitions", (404, 404, 404, 404, 404)),
    "voting.sign_petition": ("POST", "/v/{token}/petitions/nonexistent/sign", (404, 404, 404, 404, 404)),
    "voting.show_petition": ("GET", "/c/lanting/petitions/nonexistent", (404, 404, 404, 404, 404)),
    # Petitions from the public board: anyone may open the form; signing a petition that does not exist is 404.
    "voting.start_board_petition": ("GET", "/c/lanting/petitions/new", (200, 200, 200, 200, 200)),
    "voting.sign_board_petition": ("POST", "/c/lanting/petitions/nonexistent/sign", (404, 404, 404, 404, 404)),
    "sessions.show_result": ("GET", "/s/{t}", (200, 200, 200, 200, 200)),
    "sessions.show_bulletin": ("GET", "/s/{t}/bulletin", (200, 200, 200, 200, 200)),
    "sessions.bulletin_json": ("GET", "/s/{t}/bulletin.json", (200, 200, 200, 200, 200)),
    "sessions.roll_json": ("GET", "/s/{t}/roll.json", (200, 200, 200, 200, 200)),
    "sessions.result_json": ("GET", "/s/{t}/result.json", (200, 200, 200, 200, 200)),
    "sessions.show_participation": ("GET", "/s/{t}/participation", (200, 200, 200, 200, 200)),
    # Paper ballots need an open session; these sessions are not open, so the chair is told so.
    "sessions.enter_paper_ballot": ("POST", "/committee/s/{t}/paper", (302, 403, 302, 403, 403)),
    "sessions.confirm_paper_ballot": ("POST", "/committee/paper/999999/confirm", (302, 404, 404, 404, 404)),
    # The committee may set a paper ballot aside: the chair entered this one, so is told to withdraw it
    # rather than reject it, and then withdraws it. The others may not, whether it still waits or not.
    "sessions.reject_paper_ballot": ("POST", "/committee/paper/{p}/reject", (302, 403, 302, 403, 403)),
    "sessions.withdraw_paper_ballot": ("POST", "/committee/paper/{p}/withdraw", (302, 403, 302, 403, 403)),
    "sessions.print_letters": ("POST", "/committee/s/{t}/letters/print", (302, 403, 200, 403, 403)),
    "sessions.list_sessions": ("GET", "/committee/c/{a}/sessions", (302, 200, 200, 403, 200)),
    "sessions.show_session": ("GET", "/committee/s/{t}", (302, 200, 200, 403, 200)),
    "sessions.add_item": ("POST", "/committee/s/{s}/items", (302, 403, 302, 403, 403)),
    "sessions.announce": ("POST", "/committee/s/{s}/announce", (302, 403, 302, 403, 403)),
    "sessions.record_proxy": ("POST", "/committee/s/{t}/proxies", (302, 403, 302, 403, 403)),
    # The chair's re-issue succeeds (a page with the new letter); nobody else may.
    "sessions.reissue_letter": ("POST", "/committee/letters/{l}/reissue", (302, 403, 200, 403, 403)),
    "notices.board": ("GET", "/c/lanting", (200, 200, 200, 200, 200)),
    "notices.show_notice": ("GET", "/c/lanting/n/{n}", (200, 200, 200, 200, 200)),
    "notices.feed": ("GET", "/c/lanting/feed.atom", (200, 200, 200, 200, 200)),
    "notices.export": ("GET", "/c/lanting/notices.json", (200, 200, 200, 200, 200)),
    "notices.poster": ("GET", "/c/lanting/poster", (200, 200, 200, 200, 200)),
    # Only the community's committee writes its notices; the street office reads them on the public board.
    "notices.attachment": ("GET", "/c/lanting/n/{n}/files/999999", (404, 404, 404, 404, 404)),
    # Attaching to the draft: no file sent, so the chair is told to choose one.
    "notices.attach": ("POST", "/committee/n/{d}/attach", (302, 403, 302, 403, 403)),
    # Taking a file off the draft: the chair is told there is no such file.
    "notices.detach": ("POST", "/committee/n/{d}/files/999999/remove", (302, 403, 404, 403, 403)),
    "notices.list_notices": ("GET", "/committee/c/{a}/notices", (302, 403, 200, 403, 403)),
    "notices.edit_notice": ("GET", "/committee/n/{d}", (302, 403, 200, 403, 403)),
    "notices.publish": ("POST", "/committee/n/{d}/publish", (302, 403, 302, 403, 403)),
    "notices.confirm": ("POST", "/committee/n/{d}/confirm", (302, 403, 302, 403, 403)),
    "notices.correct": ("POST", "/committee/n/{d}/correct", (302, 403, 302, 403, 403)),
    "notices.accounts": ("GET", "/c/lanting/accounts", (200, 200, 200, 200, 200)),
    "ledgers.show_ledger": ("GET", "/committee/c/{a}/ledgers/public_income", (302, 403, 200, 403, 403)),
    "ledgers.export_ledger": ("GET", "/committee/c/{a}/ledgers/public_income.csv", (302, 403, 200, 403, 403)),
    # The chair is told what is missing (no file; no entries to close).
    "ledgers.import_ledger": ("POST", "/committee/c/{a}/ledgers/public_income/import", (302, 403, 302, 403, 403)),
    "ledgers.close_period": ("POST", "/committee/c/{a}/ledgers/public_income/close", (302, 403, 302, 403, 403)),
    "ledgers.delete_entry": ("POST", "/committee/entries/999999/delete", (302, 404, 404, 404, 404)),
    # Standing authorisations of public income: the chair's empty form is refused with its page (400).
    "ledgers.add_authorisation": ("POST", "/committee/c/{a}/ledgers/public_income/authorisations", (302, 403, 400, 403, 403)),
    "ledgers.end_authorisation": ("POST", "/committee/authorisations/999999/end", (302, 404, 404, 404, 404)),
    # Fund projects ({fp}: a project of A just opened; {fpp} its public id). The committee runs them, the office
    # reads them; each empty or premature step is refused with a message (302), and the chair withdraws it last.
    "fund.list_projects": ("GET", "/committee/c/{a}/fund/projects", (302, 403, 200, 403, 200)),
    "fund.show_project": ("GET", "/committee/fund/projects/{fp}", (302, 403, 200, 403, 200)),
    "fund.put_on_session": ("POST", "/committee/fund/projects/{fp}/session", (302, 403, 302, 403, 403)),
    "fund.approve_project": ("POST", "/committee/fund/projects/{fp}/approve", (302, 403, 302, 403, 403)),
    "fund.start_works": ("POST", "/committee/fund/projects/{fp}/start", (302, 403, 302, 403, 403)),
    "fund.book_invoice": ("POST", "/committee/fund/projects/{fp}/invoices", (302, 403, 302, 403, 403)),
    "fund.accept_project": ("POST", "/committee/fund/projects/{fp}/accept", (302, 403, 302, 403, 403)),
    "fund.add_document": ("POST", "/committee/fund/projects/{fp}/documents", (302, 403, 302, 403, 403)),
    "fund.settle_project": ("POST", "/committee/fund/projects/{fp}/settle", (302, 403, 302, 403, 403)),
    "fund.withdraw_project": ("POST", "/committee/fund/projects/{fp}/withdraw", (302, 403, 302, 403, 403)),
    "fund.public_projects": ("GET", "/c/lanting/fund", (200, 200, 200, 200, 200)),
    "fund.public_project": ("GET", "/c/lanting/fund/projects/{fpp}", (200, 200, 200, 200, 200)),
    "fund.project_document": ("GET", "/c/lanting/fund/projects/{fpp}/files/999999", (404, 404, 404, 404, 404)),
    # The units' fund accounts: the committee of A; the owner's page needs the letter opened in this browser first.
    "fund.show_accounts": ("GET", "/committee/c/{a}/fund/accounts", (302, 403, 200, 403, 403)),
    "fund.import_deposits": ("POST", "/committee/c/{a}/fund/accounts/import", (302, 403, 302, 403, 403)),
    "fund.export_accounts_csv": ("GET", "/committee/c/{a}/fund/accounts.csv", (302, 403, 200, 403, 403)),
    "fund.export_accounts_xlsx": ("GET", "/committee/c/{a}/fund/accounts.xlsx", (302, 403, 200, 403, 403)),
    "fund.letter_account": ("GET", "/v/{token}/fund", (404, 404, 404, 404, 404)),
    # The street office's pages: its officials and the administrators see them; only officials decide.
    "oversight.dashboard": ("GET", "/office/{o}", (302, 200, 403, 403, 200)),
    "oversight.dashboard_csv": ("GET", "/office/{o}.csv", (302, 200, 403, 403, 200)),
    # The session is not counted yet, so the official is told so on the page (200), not certified.
    "oversight.review": ("POST", "/office/s/{t}", (302, 403, 403, 403, 200)),
    # Officials issue and close orders; administrators may read them.
    "oversight.orders": ("GET", "/office/{o}/orders", (302, 200, 403, 403, 200)),
    "oversight.close_order": ("POST", "/office/orders/nonexistent/close", (302, 404, 404, 404, 404)),
    # The office convenes a session itself after an order went unheeded (tests/web/test_board_petition_pages.py has one).
    "oversight.convene": ("GET", "/office/orders/nonexistent/convene", (302, 404, 404, 404, 404)),
    "oversight.decide_objection": ("POST", "/office/objections/nonexistent/decide", (302, 404, 404, 404, 404)),
    "oversight.yearly_reviews": ("GET", "/office/{o}/reviews", (302, 200, 403, 403, 200)),
    "oversight.yearly_review": ("GET", "/office/committees/999999/review/2026", (302, 404, 404, 404, 404)),
    "oversight.publish_yearly_review": ("POST", "/office/committees/999999/review/2026/publish", (302, 404, 404, 404, 404)),
    "oversight.findings": ("GET", "/office/c/{a}/findings", (302, 403, 403, 403, 200)),
    "oversight.finding": ("GET", "/office/findings/nonexistent", (302, 404, 404, 404, 404)),
    "oversight.finding_outcome": ("POST", "/office/findings/nonexistent/outcome", (302, 404, 404, 404, 404)),
    "oversight.finding_file": ("GET", "/office/findings/nonexistent/files/1", (302, 404, 404, 404, 404)),
    "oversight.audit": ("GET", "/office/committees/999999/audit", (302, 404, 404, 404, 404)),
    "oversight.audit_finding": ("POST", "/office/audits/nonexistent/findings", (302, 404, 404, 404, 404)),
    "oversight.publish_audit": ("POST", "/office/audits/nonexistent/publish", (302, 404, 404, 404, 404)),
    "oversight.audit_report": ("GET", "/office/audits/nonexistent/report", (302, 404, 404, 404, 404)),
    "oversight.audit_order": ("GET", "/office/audits/findings/999999/order", (302, 404, 404, 404, 404)),
    "oversight.objection_file": ("GET", "/office/objections/nonexistent/files/1", (302, 404, 404, 404, 404)),
    "sessions.draft_decision": ("POST", "/committee/s/{t}/decision-notice", (302, 403, 302, 403, 403)),
    # Elections ({e}: one of community A in its nomination period). The committee runs them, the street
    # office vets and seats and may run one itself; owners stand on the public page.
    "elections.add_election_item": ("POST", "/committee/s/{s}/elections", (302, 403, 302, 403, 403)),
    "sessions.remove_item": ("POST", "/committee/items/999999/remove", (302, 404, 404, 404, 404)),
    # Documents of an item: who may attach to or take from which item is tested in tests/web/test_item_documents.py.
    "sessions.attach_document": ("POST", "/committee/items/999999/documents", (302, 404, 404, 404, 404)),
    "sessions.remove_document": ("POST", "/committee/documents/999999/remove", (302, 404, 404, 404, 404)),
    "sessions.item_document": ("GET", "/s/{t}/documents/999999", (404, 404, 404, 404, 404)),
    "elections.list_elections": ("GET", "/committee/c/{a}/elections", (302, 200, 200, 403, 200)),
    "elections.manage": ("GET", "/elections/{e}", (302, 200, 200, 403, 200)),
    # Nothing filled in: the chair and the official are told what is missing.
    "elections.nominate": ("POST", "/elections/{e}/nominate", (302, 403, 302, 403, 302)),
    "elections.vet": ("POST", "/elections/candidates/999999/vet", (302, 404, 404, 404, 404)),
    # Nominations are still open, so publishing is refused with a message; seating needs a certified result.
    "elections.publish": ("POST", "/elections/{e}/publish", (302, 403, 302, 403, 302)),
    "elections.seat": ("POST", "/elections/{e}/seat", (302, 403, 403, 403, 302)),
    "elections.followup": ("POST", "/elections/{e}/followup", (302, 403, 302, 403, 302)),
    "elections.public_election": ("GET", "/e/{e}", (200, 200, 200, 200, 200)),
    "elections.committee_page": ("GET", "/c/lanting/committee", (200, 200, 200, 200, 200)),
    # The committee's meetings: its members act (the service then needs their seat; A has none seated here, so the chair's
    # call to convene is refused with the form's errors), the office and the administrators read; the record is public.
    "committees.list_meetings": ("GET", "/committee/c/{a}/meetings", (302, 200, 200, 403, 200)),
    "committees.convene": ("POST", "/committee/c/{a}/meetings", (302, 403, 400, 403, 403)),
    "committees.show_meeting": ("GET", "/committee/meetings/nonexistent", (302, 404, 404, 404, 404)),
    "committees.support": ("POST", "/committee/meetings/nonexistent/support", (302, 404, 404, 404, 404)),
    "committees.attendance": ("POST", "/committee/meetings/nonexistent/attendance", (302, 404, 404, 404, 404)),
    "committees.add_motion": ("POST", "/committee/meetings/nonexistent/motions", (302, 404, 404, 404, 404)),
    "committees.close_meeting": ("POST", "/committee/meetings/nonexistent/close", (302, 404, 404, 404, 404)),
    "committees.draft_minutes": ("POST", "/committee/meetings/nonexistent/minutes", (302, 404, 404, 404, 404)),
    "committees.vote": ("POST", "/committee/motions/nonexistent/vote", (302, 404, 404, 404, 404)),
    "committees.paper_vote": ("POST", "/committee/motions/nonexistent/paper", (302, 404, 404, 404, 404)),
    "committees.close_motion": ("POST", "/committee/motions/nonexistent/close", (302, 404, 404, 404, 404)),
    "committees.decision_notice": ("POST", "/committee/motions/nonexistent/decision", (302, 404, 404, 404, 404)),
    "committees.confirm_paper_vote": ("POST", "/committee/votes/999999/confirm", (302, 404, 404, 404, 404)),
    "committees.sign_minutes": ("POST", "/committee/minutes/nonexistent/sign", (302, 404, 404, 404, 404)),
    "committees.correct_minutes": ("POST", "/committee/minutes/nonexistent/correct", (302, 404, 404, 404, 404)),
    "committees.public_meetings": ("GET", "/c/lanting/meetings", (200, 200, 200, 200, 200)),
    "committees.public_meeting": ("GET", "/c/lanting/meetings/nonexistent", (404, 404, 404, 404, 404)),
    "elections.departure": ("POST", "/committees/999999/members/1/leave", (302, 404, 404, 404, 404)),
    "elections.chair_ballot": ("POST", "/committees/999999/chair", (302, 404, 404, 404, 404)),
    "elections.appoint_temporary": ("GET", "/office/c/{a}/temporary", (302, 403, 403, 403, 200)),
    # The preparatory group: the office forms and dissolves it; the group, the committee and the office read its page
    # (a group member's own rows: tests/web/test_formation_pages.py). No group exists here, so its actions are 404.
    "formation.form_group": ("GET", "/office/c/{a}/preparatory-group", (302, 403, 403, 403, 200)),
    "formation.show_group": ("GET", "/committee/c/{a}/preparatory-group", (302, 200, 200, 403, 200)),
    "formation.publish": ("POST", "/committee/preparatory-group/999999/publish", (302, 404, 404, 404, 404)),
    "formation.dissolve": ("POST", "/office/preparatory-group/999999/dissolve", (302, 404, 404, 404, 404)),
    "elections.register_sitting": ("GET", "/office/c/{a}/sitting", (302, 403, 403, 403, 200)),
    # API tokens: made with a fresh code (none sent here, so the form comes back), revoked by their maker only.
    "accounts.create_token": ("POST", "/account/tokens", (302, 400, 400, 400, 400)),
    "accounts.revoke_token": ("POST", "/account/tokens/999999/revoke", (302, 404, 404, 404, 404)),
    # The JSON API: public reads for everyone; the login cookie is no credential, so every official
    # action without a bearer token is 401 (tokens × roles: tests/web/test_api.py); a letter needs a JSON body.
    "api.openapi_document": ("GET", "/api/v1/openapi.json", (200, 200, 200, 200, 200)),
    "api.list_communities": ("GET", "/api/v1/communities", (200, 200, 200, 200, 200)),
    "api.get_community": ("GET", "/api/v1/communities/lanting", (200, 200, 200, 200, 200)),
    "api.list_notices": ("GET", "/api/v1/communities/lanting/notices", (200, 200, 200, 200, 200)),
    "api.get_notice": ("GET", "/api/v1/communities/lanting/notices/{n}", (200, 200, 200, 200, 200)),
    "api.list_sessions": ("GET", "/api/v1/communities/lanting/sessions", (200, 200, 200, 200, 200)),
    "api.get_session": ("GET", "/api/v1/sessions/{t}", (200, 200, 200, 200, 200)),
    "api.get_bulletin": ("GET", "/api/v1/sessions/{t}/bulletin", (200, 200, 200, 200, 200)),
    "api.list_keys": ("GET", "/api/v1/keys", (200, 200, 200, 200, 200)),
    "api.get_committee": ("GET", "/api/v1/communities/lanting/committee", (200, 200, 200, 200, 200)),
    "api.list_statements": ("GET", "/api/v1/communities/lanting/statements", (200, 200, 200, 200, 200)),
    "api.open_letter": ("POST", "/api/v1/letters/{token}", (415, 415, 415, 415, 415)),
    "api.cast_ballot": ("POST", "/api/v1/letters/{token}/ballot", (415, 415, 415, 415, 415)),
    "api.create_session": ("POST", "/api/v1/communities/lanting/sessions", (401, 401, 401, 401, 401)),
    "api.add_item": ("POST", "/api/v1/sessions/{s}/items", (401, 401, 401, 401, 401)),
    "api.create_notice": ("POST", "/api/v1/communities/lanting/notices", (401, 401, 401, 401, 401)),
    "api.office_dashboard": ("GET", "/api/v1/offices/xinhua-street/communities", (401, 401, 401, 401, 401)),
    "api.create_order": ("POST", "/api/v1/communities/lanting/orders", (401, 401, 401, 401, 401)),
    "api.office_figures": ("GET", "/api/v1/offices/xinhua-street/figures", (401, 401, 401, 401, 401)),
    "api.district_figures": ("GET", "/api/v1/districts/{dc}/figures", (401, 401, 401, 401, 401)),
    "api.city_figures": ("GET", "/api/v1/cities/{cc}/figures", (401, 401, 401, 401, 401)),
    # The fund in the API ({fpp}: A's project, {em}: A's emergency application): anyone reads the projects.
    "api.list_fund_projects": ("GET", "/api/v1/communities/lanting/fund/projects", (200, 200, 200, 200, 200)),
    "api.get_fund_project": ("GET", "/api/v1/communities/lanting/fund/projects/{fpp}", (200, 200, 200, 200, 200)),
    "api.letter_fund": ("POST", "/api/v1/letters/{token}/fund", (415, 415, 415, 415, 415)),
    "api.open_fund_project": ("POST", "/api/v1/communities/lanting/fund/projects", (401, 401, 401, 401, 401)),
    "api.put_fund_project_on_session": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/session", (401, 401, 401, 401, 401)),
    "api.approve_fund_project": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/approve", (401, 401, 401, 401, 401)),
    "api.start_fund_project": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/start", (401, 401, 401, 401, 401)),
    "api.book_fund_invoice": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/invoices", (401, 401, 401, 401, 401)),
    "api.settle_fund_project": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/settle", (401, 401, 401, 401, 401)),
    "api.withdraw_fund_project": ("POST", "/api/v1/communities/lanting/fund/projects/{fpp}/withdraw", (401, 401, 401, 401, 401)),
    "api.apply_fund_emergency": ("POST", "/api/v1/communities/lanting/fund/emergencies", (401, 401, 401, 401, 401)),
    "api.book_fund_emergency_cost": ("POST", "/api/v1/communities/lanting/fund/emergencies/{em}/costs", (401, 401, 401, 401, 401)),
    "api.list_fund_accounts": ("GET", "/api/v1/communities/lanting/fund/accounts", (401, 401, 401, 401, 401)),
    "api.get_fund_reconciliation": ("GET", "/api/v1/communities/lanting/fund/reconciliation", (401, 401, 401, 401, 401)),
    "api.list_fund_deadlines": ("GET", "/api/v1/offices/xinhua-street/fund/deadlines", (401, 401, 401, 401, 401)),
    "api.decide_fund_emergency": ("POST", "/api/v1/communities/lanting/fund/emergencies/{em}/decision", (401, 401, 401, 401, 401)),
    # Objections in the API: the owner's with a letter (a JSON body with the digits first); those running the session and
    # the street office with their tokens, checked before the session or the objection is looked up.
    "api.list_letter_objections": ("POST", "/api/v1/letters/{token}/objections", (415, 415, 415, 415, 415)),
    "api.file_letter_objection": ("POST", "/api/v1/letters/{token}/objections/new", (415, 415, 415, 415, 415)),
    "api.list_session_objections": ("GET", "/api/v1/sessions/{t}/objections", (401, 401, 401, 401, 401)),
    "api.answer_session_objection": ("POST", "/api/v1/sessions/{t}/objections/nonexistent/answer", (401, 401, 401, 401, 401)),
    "api.list_office_objections": ("GET", "/api/v1/offices/xinhua-street/objections", (401, 401, 401, 401, 401)),
    "api.decide_session_objection": ("POST", "/api/v1/sessions/{t}/objections/nonexistent/decision", (401, 401, 401, 401, 401)),
    # The committee's work in the API: the public record for anyone; the committee's, the office's and the owners'
    # actions need a token or a letter's JSON body first ({cq}: a draft of A until the chair's row opens and closes it).
    "api.list_decisions": ("GET", "/api/v1/communities/lanting/decisions", (200, 200, 200, 200, 200)),
    "api.list_meetings": ("GET", "/api/v1/communities/lanting/meetings", (200, 200, 200, 200, 200)),
    "api.get_held_meeting": ("GET", "/api/v1/communities/lanting/meetings/nonexistent", (404, 404, 404, 404, 404)),
    "api.list_findings": ("GET", "/api/v1/communities/lanting/findings", (200, 200, 200, 200, 200)),
    "api.list_audits": ("GET", "/api/v1/communities/lanting/audits", (200, 200, 200, 200, 200)),
    "api.convene_meeting": ("POST", "/api/v1/communities/lanting/meetings", (401, 401, 401, 401, 401)),
    "api.get_meeting": ("GET", "/api/v1/meetings/nonexistent", (401, 401, 401, 401, 401)),
    "api.support_meeting": ("POST", "/api/v1/meetings/nonexistent/support", (401, 401, 401, 401, 401)),
    "api.record_attendance": ("POST", "/api/v1/meetings/nonexistent/attendance", (401, 401, 401, 401, 401)),
    "api.add_motion": ("POST", "/api/v1/meetings/nonexistent/motions", (401, 401, 401, 401, 401)),
    "api.close_meeting": ("POST", "/api/v1/meetings/nonexistent/close", (401, 401, 401, 401, 401)),
    "api.draft_minutes": ("POST", "/api/v1/meetings/nonexistent/minutes", (401, 401, 401, 401, 401)),
    "api.vote_on_motion": ("POST", "/api/v1/motions/nonexistent/vote", (401, 401, 401, 401, 401)),
    "api.enter_paper_vote": ("POST", "/api/v1/motions/nonexistent/paper-votes", (401, 401, 401, 401, 401)),
    "api.confirm_paper_vote": ("POST", "/api/v1/motions/nonexistent/paper-votes/1/confirm", (401, 401, 401, 401, 401)),
    "api.close_motion": ("POST", "/api/v1/motions/nonexistent/close", (401, 401, 401, 401, 401)),
    "api.draft_decision_notice": ("POST", "/api/v1/motions/nonexistent/decision-notice", (401, 401, 401, 401, 401)),
    "api.sign_minutes": ("POST", "/api/v1/minutes/nonexistent/sign", (401, 401, 401, 401, 401)),
    "api.correct_minutes": ("POST", "/api/v1/minutes/nonexistent/correct", (401, 401, 401, 401, 401)),
    "api.list_consultations": ("GET", "/api/v1/communities/lanting/consultations", (200, 200, 200, 200, 200)),
    "api.get_consultation": ("GET", "/api/v1/communities/lanting/consultations/{cq}", (404, 404, 404, 200, 200)),
    "api.answer_consultation": ("POST", "/api/v1/communities/lanting/consultations/{cq}/answers", (415, 415, 415, 415, 415)),
    "api.list_letter_consultations": ("POST", "/api/v1/letters/{token}/consultations", (415, 415, 415, 415, 415)),
    "api.answer_with_letter": ("POST", "/api/v1/letters/{token}/consultations/{cq}", (415, 415, 415, 415, 415)),
    "api.draft_consultation": ("POST", "/api/v1/communities/lanting/consultations", (401, 401, 401, 401, 401)),
    "api.open_consultation": ("POST", "/api/v1/consultations/{cq}/open", (401, 401, 401, 401, 401)),
    "api.close_consultation": ("POST", "/api/v1/consultations/{cq}/close", (401, 401, 401, 401, 401)),
    "api.record_finding": ("POST", "/api/v1/communities/lanting/findings", (401, 401, 401, 401, 401)),
    "api.decide_finding": ("POST", "/api/v1/findings/nonexistent/outcome", (401, 401, 401, 401, 401)),
    "api.get_audit": ("GET", "/api/v1/communities/lanting/audit", (401, 401, 401, 401, 401)),
    "api.save_audit": ("POST", "/api/v1/communities/lanting/audit", (401, 401, 401, 401, 401)),
    "api.add_audit_finding": ("POST", "/api/v1/communities/lanting/audit/findings", (401, 401, 401, 401, 401)),
    "api.publish_audit": ("POST", "/api/v1/communities/lanting/audit/publish", (401, 401, 401, 401, 401)),
    # The yearly review in the API: the published cards for anyone, the office's ranking, card, marks and publishing.
    "api.list_reviews": ("GET", "/api/v1/communities/lanting/reviews", (200, 200, 200, 200, 200)),
    "api.rank_reviews": ("GET", "/api/v1/offices/xinhua-street/reviews", (401, 401, 401, 401, 401)),
    "api.get_review": ("GET", "/api/v1/committees/999999/reviews/2026", (401, 401, 401, 401, 401)),
    "api.save_review": ("POST", "/api/v1/committees/999999/reviews/2026", (401, 401, 401, 401, 401)),
    "api.publish_review": ("POST", "/api/v1/committees/999999/reviews/2026/publish", (401, 401, 401, 401, 401)),
    # The district's and the city's figures ({dc}, {cc}: the district over the office of A, its city): their
    # officials and the administrators read them (the area officials' answers: test_area_officials_only_read).
    "areas.district_dashboard": ("GET", "/oversight/districts/{dc}", (302, 200, 403, 403, 403)),
    "areas.district_csv": ("GET", "/oversight/districts/{dc}.csv", (302, 200, 403, 403, 403)),
    "areas.district_json": ("GET", "/oversight/districts/{dc}.json", (302, 200, 403, 403, 403)),
    "areas.city_dashboard": ("GET", "/oversight/cities/{cc}", (302, 200, 403, 403, 403)),
    "areas.city_csv": ("GET", "/oversight/cities/{cc}.csv", (302, 200, 403, 403, 403)),
    "areas.city_json": ("GET", "/oversight/cities/{cc}.json", (302, 200, 403, 403, 403)),
    # Emergency use of the fund ({em}: an application of A awaiting the office): the committee applies, completes and
    # publishes (nothing to complete or publish yet, so the chair is told so), the office answers; both read it.
    "fund.list_emergencies": ("GET", "/committee/c/{a}/emergencies", (302, 403, 200, 403, 200)),
    "fund.new_emergency": ("GET", "/committee/c/{a}/emergencies/new", (302, 403, 200, 403, 403)),
    "fund.show_emergency": ("GET", "/committee/emergencies/{em}", (302, 403, 200, 403, 200)),
    "fund.complete_emergency": ("POST", "/committee/emergencies/{em}/complete", (302, 403, 302, 403, 403)),
    "fund.publish_emergency": ("POST", "/committee/emergencies/{em}/publish", (302, 403, 302, 403, 403)),
    "fund.book_emergency_cost": ("POST", "/committee/emergencies/{em}/costs", (302, 403, 302, 403, 403)),
    "fund.decide_emergency": ("GET", "/office/emergencies/{em}", (302, 403, 403, 403, 200)),
    # Consultations ({cq}: a draft of A). The committee drafts, opens and closes (the chair opens it, then closes it);
    # the street office reads; owners answer on the board or from a letter opened in this browser (nobody here has).
    "consultations.list_consultations": ("GET", "/committee/c/{a}/consultations", (302, 403, 200, 403, 200)),
    "consultations.edit_consultation": ("GET", "/committee/consultations/{cq}", (302, 403, 200, 403, 200)),
    "consultations.open_consultation": ("POST", "/committee/consultations/{cq}/open", (302, 403, 302, 403, 403)),
    "consultations.close_consultation": ("POST", "/committee/consultations/{cq}/close", (302, 403, 302, 403, 403)),
    "consultations.board_consultations": ("GET", "/c/lanting/consultations", (200, 200, 200, 200, 200)),
    "consultations.show_consultation": ("GET", "/c/lanting/consultations/nonexistent", (404, 404, 404, 404, 404)),
    "consultations.answer_on_board": ("POST", "/c/lanting/consultations/nonexistent/answer", (404, 404, 404, 404, 404)),
    "consultations.answer_with_letter": ("GET", "/v/{token}/consultations/nonexistent", (404, 404, 404, 404, 404)),
    # Last: these end the session.
    "accounts.logout_everywhere": ("POST", "/account/logout-everywhere", (302, 302, 302, 302, 302)),
    "accounts.logout": ("POST", "/logout", (302, 302, 302, 302, 302)),
}


# What a form must hold for its post to reach the permission check.
FORM_DATA = {"communities.add_building": {"name": "9"}, "sessions.reject_paper_ballot": {"reason": "与纸质票不符"}}


def test_every_route_has_a_row(app: Flask) -> None:
    """The property-service routes' rows are in ``tests/web/property_rows``, with the company's staff among the roles."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    rows = set(MATRIX) | set(property_rows.rows())
    assert not set(MATRIX) & set(property_rows.rows()), "routes with rows in both matrices"
    assert endpoints - rows == set(), "routes without a row in the authorization matrix"
    assert rows - endpoints == set(), "rows for routes that no longer exist"


def test_every_role_gets_the_expected_answer_on_every_route(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    now = utcnow()
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,75.00,,,,李娜,2345,,")
    )
    window = {"opens_at": now + timedelta(days=16), "closes_at": now + timedelta(days=23)}
    draft = draft_session(world, title="草案", **window)
    announced = draft_session(world, title="已公告", items=(("cn.other", "议题"),), **window)
    chair = world.committee
    sessions.announce_session(actor_for(chair), announced.id, now=now)
    to_open, to_reissue = sessions.letters_of_session(announced.id)
    then = now - timedelta(days=16)
    voting = draft_session(
        world, title="表决中", items=(("cn.other", "议题"),), opens_at=then + timedelta(days=15, hours=1), closes_at=now + timedelta(days=7)
    )
    sessions.announce_session(actor_for(chair), voting.id, now=then)
    (item,) = [str(i.id) for i in voting.items]
    paper = sessions.enter_paper_ballot(actor_for(chair), voting.id, unit="1-101", choices={item: "agree"}, paper_reference="P-1", now=now)
    announcement = notices.board(world.community.id)[0]
    draft_notice = notices.draft_notice(
        actor_for(chair), community_id=world.community.id, kind=NoticeKind.GENERAL, title="草稿", body="正文", now=now
    )
    election = elections.create_election(
        actor_for(chair),
        community_id=world.community.id,
        title="第二届业主委员会选举",
        seats=5,
        alternates=2,
        nominations_open_at=now - timedelta(days=1),
        nominations_close_at=now + timedelta(days=10),
        now=now,
    )
    emergency = fund.apply(
        actor_for(chair),
        community_id=world.community.id,
        kind="roof_leak",
        works="1号楼屋面防水层破损，顶层渗漏",
        scope=["1"],
        scope_label="1号楼",
        contractor="",
        estimate="5000",
        now=now,
    )
    city = register.create_city(CLI, code="beijing", name="北京市", rule_profile="cn-beijing")
    district = register.create_district(CLI, city_id=city.id, code="dongcheng", name="东城区")
    register.assign_office_to_district(CLI, street_office_id=world.office.id, district_id=district.id)
    for username, scope in (("district", {"district_id": district.id}), ("city", {"city_id": city.id})):
        role = Role.DISTRICT_OFFICIAL if username == "district" else Role.CITY_OFFICIAL
        enrol(create_user(CLI, username=username, display_name=username, password=PASSWORD, role=role, **scope))
    project = projects.open_project(
        actor_for(chair),
        community_id=world.community.id,
        title="1 号楼外墙",
        works="1 号楼外墙瓷砖脱落修复",
        contractor="建工",
        budget="10000",
        units="1-101, 1-102",
        now=now,
    )
    consultation = consultations.draft_consultation(
        actor_for(chair),
        community_id=world.community.id,
        title="是否加装电梯",
        description="",
        options=["同意", "不同意"],
        closes_on=today_in_china(now) + timedelta(days=7),
        now=now,
    )
    values = {
        "cq": consultation.public_id,
        "fp": project.id,
        "fpp": project.public_id,
        "dc": district.code,
        "cc": city.code,
        "e": election.public_id,
        "a": world.community.id,
        "s": draft.public_id,
        "t": announced.public_id,
        "l": to_reissue.id,
        "token": sessions.letter_token(to_open),
        "n": announcement.public_id,
        "o": world.office.id,
        "d": draft_notice.public_id,
        "p": paper.id,
        "em": emergency.public_id,
    }
    failures = []
    for index, role in enumerate(ROLES):
        browser = app.test_client()
        if role != "anonymous":
            login(browser, USERNAMES[role])
        for endpoint, (method, path, expected) in MATRIX.items():
            url = path.format(**values)
            status = browser.open(url, method=method, data=FORM_DATA.get(endpoint, {})).status_code
            if status != expected[index]:
                failures.append(f"{role} {method} {url} ({endpoint}): {status}, expected {expected[index]}")
    # The district's and the city's officials over A's office: every write refused as it is to an outsider.
    for role in AREA_ROLES:
        browser = app.test_client()
        login(browser, role)
        for endpoint, (method, path, expected) in MATRIX.items():
            url = path.format(**values)
            want = area_expected(role, endpoint, method, expected)
            status = browser.open(url, method=method, data=FORM_DATA.get(endpoint, {})).status_code
            if status != want:
                failures.append(f"{role} {method} {url} ({endpoint}): {status}, expected {want}")
    # A member of B's preparatory group acts for B only: over A they get the outsider's answer on every route.
    register.add_building(CLI, world.other_community.id, "1")
    register.import_register_file(
        CLI, world.other_community.id, "b.csv", register_csv(*(f"1,{n},80.00,,,,钱{n},{n:04d},," for n in (1, 2, 3)))
    )
    members = [{"kind": "owner", "name": f"钱{n}", "unit": f"1-{n}"} for n in (1, 2, 3)]
    members += [
        {"kind": "office", "name": "王芳", "affiliation": "新华街道办事处", "leader": True},
        {"kind": "residents_committee", "name": "刘洋", "affiliation": "梅园社区居委会"},
    ]
    _group, credentials = formation.form_group(actor_for(world.official), world.other_community.id, members, now)
    member = db.session.execute(select(User).where(User.username == credentials[0].username)).scalar_one()
    enrol(member)
    browser = app.test_client()
    login(browser, member.username, credentials[0].password or "")
    for endpoint, (method, path, expected) in MATRIX.items():
        url = path.format(**values)
        want = expected[ROLES.index("outsider")]
        status = browser.open(url, method=method, data=FORM_DATA.get(endpoint, {})).status_code
        if status != want:
            failures.append(f"group member of B {method} {url} ({endpoint}): {status}, expected {want}")
    assert failures == []


# A district official and a city official over the office of A (and A itself): they read the office's dashboard,
# its orders and their area's figures; on every other route, and on every write, they get what the committee
# member of B gets, who has no say over A. The district official does not read the city's figures.
AREA_ROLES = ("district", "city")
AREA_READS = {"oversight.dashboard", "oversight.dashboard_csv", "oversight.orders", "oversight.yearly_reviews"}


def area_expected(role: str, endpoint: str, method: str, expected: tuple[int, ...]) -> int:
    outsider = expected[ROLES.index("outsider")]
    if method == "GET" and (endpoint in AREA_READS or endpoint.startswith("areas.district_")):
        return 200
    if method == "GET" and endpoint.startswith("areas.city_"):
        return 200 if role == "city" else 403
    return outsider


# What a signed-in user does to their own session and account, whatever their role.
OWN_ACCOUNT = {"main.set_language", "accounts.new_recovery_codes", "accounts.create_token", "accounts.logout_everywhere", "accounts.logout"}


def test_area_officials_are_refused_every_write() -> None:
    """Every POST route but the user's own account's is a refusal for an area official (checked live above)."""
    for role in AREA_ROLES:
        for endpoint, (method, _path, expected) in MATRIX.items():
            if method == "POST" and endpoint not in OWN_ACCOUNT:
                assert area_expected(role, endpoint, method, expected) in {401, 403, 404, 415}, endpoint


def test_anonymous_posts_never_change_anything(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    response = client.post(f"/admin/c/{world.community.id}/buildings", data={"name": "9"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
