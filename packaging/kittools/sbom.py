"""A CycloneDX 1.6 SBOM (JSON) of exactly what lies in the kit, made from the kit's own files.

Every wheel becomes a ``library`` component read from its own METADATA (name, version, summary, licence,
``Requires-Dist``) with the SHA-256 of the wheel file and a ``pkg:pypi`` purl naming that file; every other file of
the kit (install script, requirements, desktop entry) becomes a ``file`` component with its hash. The
dependency graph links each wheel to the wheels its requirements select on the target (CPython 3.11, Linux
x86_64), and a requirement that no wheel of the kit satisfies refuses the build: such a kit could not install.

The document is reproducible: its serial number derives from the contents and its timestamp from
``SOURCE_DATE_EPOCH`` when set (the build sets the commit's time). It is checked against the CycloneDX schema
before it is written.
"""

from __future__ import annotations

import logging
import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cyclonedx.factory.license import LicenseFactory
from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL
from packaging.markers import default_environment
from packaging.metadata import Metadata
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from kittools.signing import KitError, sha256_file

logger = logging.getLogger(__name__)

SBOM_NAME = "sbom.cdx.json"
PROPERTY_PATH = "workbench:kit:path"

# The kit's one target; markers in Requires-Dist are evaluated for it, not for the build machine.
TARGET_ENVIRONMENT: dict[str, str] = {
    **{key: str(value) for key, value in default_environment().items()},
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "implementation_version": "3.11.0",
    "extra": "",
}


@dataclass(frozen=True)
class Wheel:
    """One wheel of the kit with what its METADATA says."""

    path: Path
    relative: str
    name: str
    version: str
    summary: str | None
    licenses: list[LicenseExpression | DisjunctiveLicense]
    requires: list[Requirement]
    sha256: str

    @property
    def key(self) -> str:
        return str(canonicalize_name(self.name))


def read_wheel(path: Path, relative: str) -> Wheel:
    """Read a wheel's METADATA; refuses a file that is not a wheel or whose metadata disagrees with its name."""
    try:
        name, version, _build, _tags = parse_wheel_filename(path.name)
    except ValueError:
        raise KitError(f"not a wheel file name: {relative}") from None
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                member
                for member in archive.namelist()
                if member.count("/") == 1 and member.endswith(".dist-info/METADATA")
            ]
            if len(members) != 1:
                raise KitError(f"{relative} has {len(members)} METADATA files, expected one")
            text = archive.read(members[0]).decode("utf-8")
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise KitError(f"{relative} is not a readable wheel: {exc}") from None
    metadata = Metadata.from_email(text, validate=False)
    if canonicalize_name(metadata.name) != name or str(metadata.version) != str(version):
        raise KitError(f"{relative}: metadata says {metadata.name} {metadata.version}")
    return Wheel(
        path=path,
        relative=relative,
        name=metadata.name,
        version=str(metadata.version),
        summary=metadata.summary,
        licenses=_licenses(metadata),
        requires=list(metadata.requires_dist or []),
        sha256=sha256_file(path),
    )


def _licenses(metadata: Metadata) -> list[LicenseExpression | DisjunctiveLicense]:
    """The wheel's licence as CycloneDX knows it: an SPDX expression when declared, else a short name."""
    factory = LicenseFactory()
    expression = getattr(metadata, "license_expression", None)
    if expression:
        return [factory.make_from_string(str(expression))]
    declared = (metadata.license or "").strip()
    # Some projects put the whole licence text in License:; only a one-line value is a name worth carrying.
    if declared and "\n" not in declared and len(declared) <= 80:
        return [factory.make_from_string(declared)]
    names = [
        classifier.rsplit(" :: ", 1)[-1]
        for classifier in metadata.classifiers or []
        if classifier.startswith("License :: ") and classifier.count(" :: ") >= 2
    ]
    return [DisjunctiveLicense(name=name) for name in names[:1]]


def _hash(sha256: str) -> HashType:
    return HashType(alg=HashAlgorithm.SHA_256, content=sha256)


def _wheel_component(wheel: Wheel) -> Component:
    purl = PackageURL(type="pypi", name=wheel.key, version=wheel.version, qualifiers={"file_name": wheel.path.name})
    return Component(
        type=ComponentType.LIBRARY,
        name=wheel.name,
        version=wheel.version,
        description=wheel.summary,
        bom_ref=f"pypi:{wheel.key}=={wheel.version}",
        purl=purl,
        hashes=[_hash(wheel.sha256)],
        licenses=wheel.licenses,
        properties=[Property(name=PROPERTY_PATH, value=wheel.relative)],
    )


def _file_component(root: Path, relative: str) -> Component:
    return Component(
        type=ComponentType.FILE,
        name=relative,
        bom_ref=f"file:{relative}",
        hashes=[_hash(sha256_file(root / relative))],
        properties=[Property(name=PROPERTY_PATH, value=relative)],
    )


def build_sbom(root: Path, *, kit_name: str, kit_version: str, application: str, files: Iterable[str]) -> Bom:
    """The SBOM of the kit in ``root``: every ``*.whl`` below it and the other ``files`` named (relative paths).

    ``application`` is the project's distribution name: the kit's top component depends on its wheel and on
    every wheel nothing else requires (pip, which the installer runs from its wheel).
    """
    wheels = [read_wheel(path, path.relative_to(root).as_posix()) for path in sorted(root.rglob("*.whl"))]
    by_key: dict[str, Wheel] = {}
    for wheel in wheels:
        if wheel.key in by_key:
            raise KitError(f"two wheels of {wheel.name} in the kit: {by_key[wheel.key].relative}, {wheel.relative}")
        by_key[wheel.key] = wheel
    if canonicalize_name(application) not in by_key:
        raise KitError(f"the kit holds no wheel of {application}")

    components = {wheel.key: _wheel_component(wheel) for wheel in wheels}
    file_components = [_file_component(root, relative) for relative in sorted(files)]
    top = Component(
        type=ComponentType.APPLICATION,
        name=kit_name,
        version=kit_version,
        bom_ref=kit_name,
        description=f"offline installation kit of {application} {kit_version}",
    )

    serial_source = "\n".join(
        sorted([wheel.sha256 for wheel in wheels] + [next(iter(c.hashes)).content for c in file_components])
    )
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    timestamp = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    bom = Bom(
        serial_number=uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workbench-kit:{kit_version}:{serial_source}"),
        metadata=BomMetaData(component=top, timestamp=timestamp),
        components=[*components.values(), *file_components],
    )

    required: set[str] = set()
    for wheel in wheels:
        needs = []
        for requirement in wheel.requires:
            if requirement.marker is not None and not requirement.marker.evaluate(TARGET_ENVIRONMENT):
                continue
            key = str(canonicalize_name(requirement.name))
            provider = by_key.get(key)
            if provider is None or not requirement.specifier.contains(provider.version, prereleases=True):
                found = f"{provider.version} is in the kit" if provider else "none is in the kit"
                raise KitError(f"{wheel.name} {wheel.version} requires {requirement}; {found}")
            needs.append(components[key])
            required.add(key)
        bom.register_dependency(components[wheel.key], needs)
    roots = [components[key] for key in sorted(by_key) if key not in required]
    bom.register_dependency(top, roots)
    return bom


def write_sbom(bom: Bom, target: Path) -> Path:
    """Serialise as CycloneDX 1.6 JSON, refuse it unless the schema accepts it, and write it."""
    document = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document)
    if error is not None:
        raise KitError(f"the SBOM does not match the CycloneDX 1.6 schema: {error}")
    target.write_text(document + "\n", encoding="utf-8")
    return target
