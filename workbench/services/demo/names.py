"""Names the demo's parts share: the fictional organisations and the demo workspace's passphrase."""

DEMO_PASSPHRASE = "demo passphrase, not secret"
DEMO_ORG = "Demo Analysis Centre"
PARTNER_NAME = "Nordmark Cyber Defence Centre (fictional)"
STICK_FOLDER = "usb-stick"

__all__ = ["DEMO_ORG", "DEMO_PASSPHRASE", "PARTNER_NAME", "STICK_FOLDER"]
