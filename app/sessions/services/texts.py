"""The notices a session publishes, in Chinese (the owners' language), as Markdown: its announcement, its result, its decisions."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, format_datetime
from flask_babel import lazy_gettext as _l

from ...domain.numbers import format_area
from ...notices.markup import escape_markdown
from ..labels import FORM_LABELS, MATTER_LABELS
from ..models import AssemblySession, Item
from .documents import documents_of
from .slates import slates_of

# Where the paper ballot goes: to whoever convened the session.
VOTE_HOW = {
    "committee": _l("Vote by scanning the QR code on your voting letter with a phone, or bring the paper ballot to the committee."),
    "group": _l(
        "The owners' assembly's preparatory group convenes this session. Vote by scanning the QR code on your voting letter "
        "with a phone, or bring the paper ballot to the preparatory group."
    ),
    "office": _l(
        "The street office convenes this session. Vote by scanning the QR code on your voting letter with a phone, "
        "or bring the paper ballot to the street office."
    ),
}


def scope_line(item: Item, digest: str | None = None) -> str:
    """A scoped item's scope in a notice (RULES §9): who decides it, its units, its frozen voters and area, and
    at announcement the SHA-256 of its frozen roll, which roll.json must match."""
    assert item.scope is not None
    line = str(
        _l(
            "Decided by the owners of %(scope)s only: %(count)d units (%(units)s), %(heads)d voters, %(area)s m².",
            scope=escape_markdown(item.scope_label or str(_l("part of the community"))),
            count=len(item.scope),
            units=escape_markdown("、".join(item.scope)),
            heads=item.scope_heads or 0,
            area=format_area(item.scope_area_centi or 0),
        )
    )
    if digest is not None:
        line += " " + str(_l("SHA-256 of the scope's roll: `%(digest)s`.", digest=digest))
    return line


def announcement_text(assembly: AssemblySession, scope_digests: dict[str, str] | None = None) -> tuple[str, str]:
    """The announcement notice in Chinese, the owners' language: window, roll, every item in full (Markdown)."""
    with force_locale("zh_CN"):
        # flask-babel shows times in the configured zone (Asia/Shanghai).
        when = {
            "opens": format_datetime(assembly.opens_at, "yyyy-MM-dd HH:mm"),
            "closes": format_datetime(assembly.closes_at, "yyyy-MM-dd HH:mm"),
        }
        title = str(_l("Announcement: %(title)s", title=assembly.title))
        lines = [
            str(
                _l(
                    "Form: %(form)s. Voting opens at %(opens)s and closes at %(closes)s (Beijing time).",
                    form=FORM_LABELS[assembly.form.value],
                    **when,
                )
            ),
            "",
            str(
                _l(
                    "The voter roll is frozen as of this announcement: %(heads)d voters, %(area)s m² of exclusive area, SHA-256 %(sha)s.",
                    heads=assembly.roll_heads or 0,
                    area=format_area(assembly.roll_area_centi or 0),
                    sha=f"`{assembly.roll_sha256}`",
                )
            ),
            "",
            "## " + str(_l("Items")),
        ]
        documents = documents_of(assembly)
        for item in assembly.items:
            lines += ["", f"### {item.position}. {escape_markdown(item.title)}", "", f"*{MATTER_LABELS[item.matter]}*"]
            if item.scope is not None:
                lines += ["", scope_line(item, (scope_digests or {}).get(str(item.id)))]
            if item.body:
                lines += ["", escape_markdown(item.body)]
            for document in documents.get(item.id, ()):
                link = f"/s/{assembly.public_id}/documents/{document.id}"
                lines += [
                    "",
                    str(
                        _l(
                            "Document: [%(file)s](%(link)s), SHA-256 %(sha)s",
                            file=escape_markdown(document.filename),
                            link=link,
                            sha=f"`{document.sha256}`",
                        )
                    ),
                ]
        lines += [
            "",
            str(VOTE_HOW[assembly.convened_by]),
            "",
            str(_l("The session, its turnout and its result: [%(path)s](%(path)s)", path=f"/s/{assembly.public_id}")),
        ]
    return title, "\n".join(lines)


def _outcome_lines(assembly: AssemblySession) -> list[str]:
    """Each item's outcome and figures, as the result notices list them (in the caller's zh_CN locale)."""
    result = assembly.result or {}
    names = candidate_names(assembly)
    outcomes = {"passed": str(_l("Passed")), "rejected": str(_l("Not passed")), "no_quorum": str(_l("No quorum: not decided"))}
    lines: list[str] = []
    for item in result.get("items", []):
        if item.get("kind") == "election":
            lines += ["", f"### {item['position']}. {escape_markdown(item['title'])}", "", *election_lines(item, names)]
            continue
        agree, part = item["agree"], item["participating"]
        lines += [
            "",
            f"### {item['position']}. {escape_markdown(item['title'])}",
            "",
            f"**{outcomes[item['outcome']]}**",
            "",
            str(
                _l(
                    "Voted: %(area)s m², %(heads)d owners. Agreed: %(agree_area)s m², %(agree_heads)d owners.",
                    area=part["area"],
                    heads=part["heads"],
                    agree_area=agree["area"],
                    agree_heads=agree["heads"],
                )
            ),
        ]
    return lines


def _figures_line(assembly: AssemblySession) -> str:
    return str(
        _l("Every figure and its reasons, the bulletin board and the recount: [%(path)s](%(path)s)", path=f"/s/{assembly.public_id}")
    )


def preliminary_text(assembly: AssemblySession, *, seal: str, corrected: bool = False) -> tuple[str, str]:
    """The preliminary result notice (初步统计结果公示): the count, the participation list, the seal, the objection period."""
    result = assembly.result or {}
    with force_locale("zh_CN"):
        title = str(
            _l("Corrected preliminary result: %(title)s", title=assembly.title)
            if corrected
            else _l("Preliminary result: %(title)s", title=assembly.title)
        )
        lines = [
            str(
                _l(
                    "%(num)d ballots counted. This result is preliminary until the street office certifies it.",
                    num=result.get("ballots", 0),
                )
            )
        ]
        if corrected:
            lines += ["", str(_l("The count was corrected after an objection the street office upheld."))]
        until = assembly.objections_until
        if until is not None and assembly.tallied_at is not None and until > assembly.tallied_at:
            lines += [
                "",
                str(
                    _l(
                        "Owners who find an error may object from their voting letter until %(until)s (Beijing time).",
                        until=format_datetime(until, "yyyy-MM-dd HH:mm"),
                    )
                ),
            ]
        lines += _outcome_lines(assembly)
        path = f"/s/{assembly.public_id}/participation"
        lines += [
            "",
            str(_l("The units that voted: [%(path)s](%(path)s)", path=path)),
            "",
            _figures_line(assembly),
            "",
            str(_l("The bulletin board's seal: `%(hash)s`", hash=seal)),
        ]
    return title, "\n".join(lines)


def result_text(assembly: AssemblySession, *, key_id: str, signature: str) -> tuple[str, str]:
    """The final result notice in Chinese: each item's outcome and figures, and the certification's signature."""
    result = assembly.result or {}
    with force_locale("zh_CN"):
        title = str(_l("Voting result: %(title)s", title=assembly.title))
        lines = [
            str(_l("%(num)d ballots counted. The street office certified the result.", num=result.get("ballots", 0))),
            *_outcome_lines(assembly),
            "",
            _figures_line(assembly),
            "",
            str(_l("Certification signed with key %(key)s: `%(sig)s`", key=key_id, sig=signature)),
        ]
    return title, "\n".join(lines)


def candidate_names(assembly: AssemblySession) -> dict[str, str]:
    """Every candidate of the session's elections by id, as the notices name them."""
    return {c.id: c.name for slate in slates_of(assembly.items).values() for c in slate.candidates}


def election_lines(item: dict[str, Any], names: dict[str, str]) -> list[str]:
    """An election's outcome in the result notice (called under the Chinese locale): who, and the party check."""
    named = lambda ids: "、".join(escape_markdown(names.get(i, i)) for i in ids) or "—"  # noqa: E731
    check = item["party_check"]
    lines = [
        str(_l("Elected: %(names)s.", names=named(item["elected"]))),
        "",
        str(_l("Alternates: %(names)s.", names=named(item["alternates"]))),
    ]
    if item["tie"]:
        lines += ["", str(_l("Tied for the last places, to be decided by a runoff: %(names)s.", names=named(item["tie"])))]
    lines += [
        "",
        str(_l("The committee is formed.")) if item["committee_formed"] else str(_l("No committee is formed yet.")),
        "",
        str(_l("Party members among those elected: %(party)d of %(members)d", party=check["party_members"], members=check["members"])),
    ]
    return lines


def decision_text(assembly: AssemblySession) -> tuple[str, str]:
    """A draft of the decisions (决定公告) of a certified session: the items that passed, in full."""
    result = {item["id"]: item for item in (assembly.result or {}).get("items", [])}
    names = candidate_names(assembly)
    with force_locale("zh_CN"):
        title = str(_l("Decisions of the owners' assembly: %(title)s", title=assembly.title))
        lines = [str(_l("The owners' assembly decided the following; the street office certified the result."))]
        for item in assembly.items:
            decided = result.get(str(item.id), {})
            if decided.get("kind") == "election" and decided.get("elected"):
                lines += ["", f"### {item.position}. {escape_markdown(item.title)}", "", *election_lines(decided, names)]
            if decided.get("outcome") == "passed":
                lines += ["", f"### {item.position}. {escape_markdown(item.title)}"]
                if item.body:
                    lines += ["", escape_markdown(item.body)]
        lines += ["", str(_l("The result and its figures: [%(path)s](%(path)s)", path=f"/s/{assembly.public_id}"))]
    return title, "\n".join(lines)
