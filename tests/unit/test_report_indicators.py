"""Indicator values as a report prints them: defanged the way CSIRT advisories write them, and back by refanging."""

from __future__ import annotations

import ioc_fanger
import pytest

from workbench.services.reports.sections import defanged


@pytest.mark.parametrize(
    ("kind", "value", "printed"),
    [
        ("url", "https://files.evil.example/a.bin?x=1", "hxxps://files[.]evil[.]example/a[.]bin?x=1"),
        ("url", "http://203.0.113.9/gate.php", "hxxp://203[.]0[.]113[.]9/gate[.]php"),
        ("domain-name", "update-7.evil-domain.example", "update-7[.]evil-domain[.]example"),
        ("ipv4-addr", "203.0.113.9", "203[.]0[.]113[.]9"),
        ("email-addr", "billing@invoice-mail.example", "billing(at)invoice-mail[.]example"),
        # Not a network value: a hash or a file name prints as stored.
        ("file SHA-256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", None),
        ("file name", "invoice.pdf.exe", None),
    ],
)
def test_network_values_print_with_hxxp_and_bracketed_dots_and_refang_to_the_stored_value(
    kind: str, value: str, printed: str | None
) -> None:
    shown = defanged(kind, value)
    assert shown == (printed or value)
    assert "hXXp" not in shown
    assert ioc_fanger.fang(shown) == value
