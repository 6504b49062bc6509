"""Every model of the Exchange and Partners screens passes pytest-qt's model tester, fed by the real services over
the demo's exchange (partner, packages both ways, receipts)."""

from __future__ import annotations

from pathlib import Path

from workbench.services import exchange
from workbench.services.demo import create_demo_workspace, demo_stick
from workbench.services.exchange import Volume, inbox_scan
from workbench.services.intake import import_source
from workbench.ui.exchange.models import (
    FoundItemsModel,
    HeldBackModel,
    OutboxModel,
    ReceivedModel,
    VolumesModel,
    verdict_text,
)
from workbench.ui.partners.partners_model import PartnersModel, key_rows


def test_exchange_and_partner_models(qtmodeltester, tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path)
    try:
        items = inbox_scan.scan(ws, inbox_scan.places([demo_stick(ws.path)], proc_root=tmp_path / "none")).items
        package = next(item for item in items if item.verdict is not None)
        import_source(ws, package.path)
        found = FoundItemsModel()
        found.set_items(inbox_scan.scan(ws, inbox_scan.places([demo_stick(ws.path)], proc_root=tmp_path)).items)
        received, outbox, held, partners = ReceivedModel(), OutboxModel(), HeldBackModel(), PartnersModel()
        received.set_items(exchange.inbox(ws.conn))
        outbox.set_items(exchange.outbox(ws.conn))
        preview = exchange.preview_export(ws, "Nordmark Cyber Defence Centre (fictional)")
        held.set_items(preview.held_back)
        partners.set_items(key_rows(exchange.list_partners(ws.conn)))
        volumes = VolumesModel()
        volumes.set_items([Volume("/dev/sdb1", tmp_path, "vfat", False, 8 * 10**9, 7 * 10**9, "sdb")])
        for model in (found, received, outbox, held, partners, volumes):
            assert model.rowCount() > 0, type(model).__name__
            qtmodeltester.check(model, force_py=True)
        assert {verdict_text(item) for item in found.items} >= {"Verified receipt: package 2 delivered"}
        assert any(text.startswith("Already imported on") for text in map(verdict_text, found.items))
        assert volumes.index(0, VolumesModel.Columns.FREE).data() == "7.0 GB"
    finally:
        ws.close()
