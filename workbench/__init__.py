"""Air-gapped analyst workbench: encrypted STIX store, signed exchange on removable media, cases, reports."""

__version__ = "0.1.0"
