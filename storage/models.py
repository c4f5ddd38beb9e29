"""Every table of crm_tui, re-exported from the modules of storage/tables named for the business.

Enumerated values are stored as short strings (with the allowed values in ``StrEnum``s) rather
than database enum types, so that adding a value never needs an ``ALTER TYPE`` on PostgreSQL.
Money is integer kopecks; timestamps are aware UTC (see ``crm_tui.storage.types``). Tables are
SQLAlchemy Core ``Table`` objects on one ``metadata``: a new one goes into the module of its
business under storage/tables (or a new one) and is re-exported here.
"""

from __future__ import annotations

from crm_tui.storage.tables import report_indexes  # noqa: F401 (its indexes join their tables)
from crm_tui.storage.tables.activity import (
    Direction,
    InteractionKind,
    TaskKind,
    TaskStatus,
    interactions,
    tasks,
)
from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.tables.campaigns import (
    CampaignKind,
    CampaignStatus,
    OutboxState,
    RecipientState,
    campaign_recipients,
    campaign_steps,
    campaigns,
    mail_consents,
    mail_senders,
    outbox,
    outbox_files,
    sender_counts,
)
from crm_tui.storage.tables.clients import (
    channels,
    clients,
    contact_jobs,
    contacts,
    merges,
    not_duplicates,
    suppressions,
)
from crm_tui.storage.tables.deals import (
    DealStatus,
    deal_lines,
    deal_stage_changes,
    deals,
    lost_reasons,
    pipelines,
    playbook_steps,
    stages,
)
from crm_tui.storage.tables.documents import (
    deal_documents,
    document_numbers,
    document_templates,
    payments,
)
from crm_tui.storage.tables.imports import (
    ImportStatus,
    client_sources,
    import_batches,
    import_changes,
    import_mappings,
)
from crm_tui.storage.tables.inbound import inbound_events, inbound_sources, mailbox_folders, mailboxes
from crm_tui.storage.tables.kinds import ChannelKind, ClientKind, ClientStatus, FieldKind
from crm_tui.storage.tables.leads import (
    LeadChannel,
    LeadStatus,
    lead_addresses,
    lead_exclusions,
    lead_routes,
    lead_sources,
    leads,
)
from crm_tui.storage.tables.portrait import (
    field_defs,
    field_values,
    installed_base,
)
from crm_tui.storage.tables.sales import (
    DocumentKind,
    Segment,
    sales_documents,
    segment_changes,
    segment_recomputes,
    segment_rules,
)
from crm_tui.storage.tables.team import (
    Role,
    audit_entries,
    handovers,
    settings_table,
    users,
)
from crm_tui.storage.tables.web import user_passwords, web_sessions

__all__ = [
    "BigId",
    "CampaignKind",
    "CampaignStatus",
    "ChannelKind",
    "ClientKind",
    "ClientStatus",
    "DealStatus",
    "Direction",
    "DocumentKind",
    "FieldKind",
    "ImportStatus",
    "InteractionKind",
    "LeadChannel",
    "LeadStatus",
    "OutboxState",
    "RecipientState",
    "Role",
    "Segment",
    "TaskKind",
    "TaskStatus",
    "audit_entries",
    "campaign_recipients",
    "campaign_steps",
    "campaigns",
    "channels",
    "client_sources",
    "clients",
    "contact_jobs",
    "contacts",
    "deal_documents",
    "deal_lines",
    "deal_stage_changes",
    "deals",
    "document_numbers",
    "document_templates",
    "field_defs",
    "field_values",
    "handovers",
    "import_batches",
    "import_changes",
    "import_mappings",
    "inbound_events",
    "inbound_sources",
    "installed_base",
    "interactions",
    "lead_addresses",
    "lead_exclusions",
    "lead_routes",
    "lead_sources",
    "leads",
    "lost_reasons",
    "mail_consents",
    "mail_senders",
    "mailbox_folders",
    "mailboxes",
    "merges",
    "metadata",
    "not_duplicates",
    "outbox",
    "outbox_files",
    "payments",
    "pipelines",
    "playbook_steps",
    "sales_documents",
    "segment_changes",
    "segment_recomputes",
    "segment_rules",
    "sender_counts",
    "settings_table",
    "stages",
    "suppressions",
    "tasks",
    "user_passwords",
    "users",
    "web_sessions",
]
