"""Signed exchange packages on removable media (docs/exchange-format.md).

The functions the command line and the window call:

- trust store: ``add_partner``, ``set_ceilings``, ``revoke_key``, ``list_partners``, ``get_partner``,
  ``read_public_key``
- export: ``preview_export``, ``export_package`` with a ``Selection`` (``AllObjects``, ``QuerySelection``,
  ``IdSelection``; a case is ``services.cases.exchange.CaseSelection``, which builds the case's own objects)
- verification and import: ``verify_package``, ``preview_package``, ``import_package``; ``on_import`` adds the
  caller's writes to the import's transaction. The program itself imports packages and receipts through
  ``services.intake.import_source``, which also adopts the cases a package carries.
- receipts and mailboxes: ``write_receipt``, ``import_receipt``, ``outbox``, ``inbox``
- removable media: ``removable_volumes``

Long work takes ``progress(stage, done, total)`` and ``cancel() -> bool``; results are dataclasses; refusals raise
a ``WorkbenchError`` whose message names the cause. Nothing here prints.
"""

from __future__ import annotations

from workbench.services.exchange.export import ExportPreview, ExportResult, export_package, preview_export
from workbench.services.exchange.mailboxes import InboxEntry, OutboxEntry, inbox, outbox
from workbench.services.exchange.media import Volume, removable_volumes
from workbench.services.exchange.partners import (
    Partner,
    PartnerKey,
    add_partner,
    advance_outgoing,
    get_partner,
    list_partners,
    parse_time_argument,
    read_public_key,
    readmit_package,
    revoke_key,
    set_ceilings,
    set_partner_trust,
)
from workbench.services.exchange.policy import HeldBack
from workbench.services.exchange.quarantine import QuarantineLimits
from workbench.services.exchange.receipts import (
    Receipt,
    ReceiptWritten,
    import_receipt,
    write_receipt,
)
from workbench.services.exchange.receive import (
    PackageHook,
    PackageImport,
    import_package,
    is_package,
    preview_package,
)
from workbench.services.exchange.selection import (
    AllObjects,
    BuiltObject,
    IdSelection,
    QuerySelection,
    Selection,
)
from workbench.services.exchange.verify import Verdict, verify_package

__all__ = [
    "AllObjects",
    "BuiltObject",
    "ExportPreview",
    "ExportResult",
    "HeldBack",
    "IdSelection",
    "InboxEntry",
    "OutboxEntry",
    "PackageHook",
    "PackageImport",
    "Partner",
    "PartnerKey",
    "QuarantineLimits",
    "QuerySelection",
    "Receipt",
    "ReceiptWritten",
    "Selection",
    "Verdict",
    "Volume",
    "add_partner",
    "advance_outgoing",
    "export_package",
    "get_partner",
    "import_package",
    "import_receipt",
    "inbox",
    "is_package",
    "list_partners",
    "outbox",
    "parse_time_argument",
    "preview_export",
    "preview_package",
    "read_public_key",
    "readmit_package",
    "removable_volumes",
    "revoke_key",
    "set_ceilings",
    "set_partner_trust",
    "verify_package",
    "write_receipt",
]
