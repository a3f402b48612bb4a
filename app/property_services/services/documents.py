"""A contract's documents (the signed contract, its annexes): PDF, PNG or JPEG by content, kept under their SHA-256
as every published file is (``notices.services.checked_file`` and ``store_file``)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...notices.services import checked_file, store_file
from ...security.actor import Actor
from ...security.permissions import can_record_contracts, can_watch_service, is_property_staff, require
from ..models import ContractDocument, ServiceContract
from .registry import load_contract

MAX_DOCUMENTS = 20


def may_read_contract(actor: Actor, contract: ServiceContract, community: Community) -> bool:
    """A contract's documents are read by its street office and the administrators, the community's committee (or
    preparatory group), and the company's own staff."""
    return can_record_contracts(actor, community) or can_watch_service(actor, community) or is_property_staff(actor, contract.company_id)


def add_contract_document(actor: Actor, contract_id: str, *, filename: str, data: bytes, now: datetime) -> ContractDocument:
    name, content_type, digest = checked_file(filename, data)
    with db.write() as s:
        contract = load_contract(s, contract_id, lock=True)
        community = s.get(Community, contract.community_id)
        assert community is not None
        require(can_record_contracts(actor, community))
        count = s.execute(
            select(func.count()).select_from(ContractDocument).where(ContractDocument.contract_id == contract.id)
        ).scalar_one()
        if count >= MAX_DOCUMENTS:
            raise RuleViolation("file", str(_l("At most %(max)d files per contract.", max=MAX_DOCUMENTS)))
        store_file(digest, data)
        document = ContractDocument(
            contract_id=contract.id,
            filename=name,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by_user_id=actor.user_id,
            uploaded_at=now,
        )
        s.add(document)
        s.flush()
        record(
            s,
            actor,
            "contract.document",
            "property_contract",
            contract.public_id,
            **scope(community),
            data={"file": name, "sha256": digest, "size": len(data)},
            now=now,
        )
    return document


def contract_document(actor: Actor, contract_id: str, document_id: int) -> ContractDocument:
    """One of the contract's documents, for those who may read the contract."""
    s = db.session()
    contract = load_contract(s, contract_id)
    community = s.get(Community, contract.community_id)
    assert community is not None
    require(may_read_contract(actor, contract, community))
    document = s.get(ContractDocument, document_id)
    if document is None or document.contract_id != contract.id:
        raise NotFound(str(_l("No such file.")))
    return document
