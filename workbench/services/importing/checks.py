"""Checking one STIX 2.1 object: errors make it unusable and it is refused; warnings are kept with it.

Errors, as the import issue defines them: a missing or malformed ``type``, ``id``, ``created``, ``modified`` or
``spec_version``; an id that is not ``type--UUID`` of the object's own type; a timestamp that is not RFC 3339 UTC;
a reference that is not an identifier; a STIX pattern that does not validate. Everything else the STIX 2.1
specification and the OASIS validator ask for is a warning naming the property: what real producers often get
wrong (custom properties without the ``x_`` prefix, a URL field holding something else, a missing name, a value
out of its vocabulary or range), calibrated against the validator's own test cases (see the conformance test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.services.importing import formats
from workbench.services.importing.patterns import PatternChecker
from workbench.services.importing.schema import (
    META,
    SCO,
    SDO,
    SRO,
    Report,
    check_custom_reference,
    check_string,
    model,
    show,
)

_CORE = frozenset({"type", "id", "spec_version", "created", "modified"})
#: Properties every SDO, SRO and custom object may have; a custom object type is checked against these.
_COMMON = (
    "created_by_ref",
    "revoked",
    "labels",
    "confidence",
    "lang",
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "extensions",
)
_SCO_COMMON = ("object_marking_refs", "granular_markings", "defanged", "extensions")
#: Names STIX 2.1 reserves for future use (section 3.2 of the specification).
_RESERVED = frozenset({"severity", "action", "username", "phone_numbers"})
_EXTENSION_TYPES = frozenset({"new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"})
#: ``(later, earlier, strictly)``: ``later`` must not come before ``earlier`` (or must come after, if strictly).
_ORDER: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "campaign": (("last_seen", "first_seen", False),),
    "intrusion-set": (("last_seen", "first_seen", False),),
    "threat-actor": (("last_seen", "first_seen", False),),
    "infrastructure": (("last_seen", "first_seen", False),),
    "malware": (("last_seen", "first_seen", False),),
    "sighting": (("last_seen", "first_seen", False),),
    "indicator": (("valid_until", "valid_from", True),),
    "observed-data": (("last_observed", "first_observed", False),),
    "relationship": (("stop_time", "start_time", True),),
    "malware-analysis": (("analysis_ended", "analysis_started", False),),
    "network-traffic": (("end", "start", False),),
}
#: Object types that need ``created`` and ``modified``; every SDO, SRO and custom object does as well.
_TIMESTAMPED_META = frozenset({"language-content", "extension-definition"})


@dataclass
class Checked:
    """The outcome of checking one object: findings, and its sortable version key when it has no errors."""

    report: Report
    version_key: str = ""


@dataclass(frozen=True)
class _Profile:
    """What checking one kind of object needs, worked out once per type (and extension variant)."""

    kind: str
    category: str
    checks: dict[str, Any]
    required: tuple[str, ...]
    needs_created: bool
    needs_modified: bool
    lax_names: bool
    rule: Any
    order: tuple[tuple[str, str, bool], ...] | None


class ObjectChecker:
    """Checks objects one after the other; holds the compiled model and the pattern validator."""

    def __init__(self, patterns: PatternChecker) -> None:
        self._model = model()
        self._patterns = patterns
        common = self._model.types["attack-pattern"].properties
        self._common = {name: common[name] for name in _COMMON}
        sco_common = self._model.types["file"].properties
        self._sco_common = {name: sco_common[name] for name in _SCO_COMMON if name in sco_common}
        self._profiles: dict[tuple[str, bool, bool], _Profile] = {}

    def check(self, obj: dict[str, Any]) -> Checked:
        """Check one object (already upgraded to 2.1 if it came as 2.0)."""
        report = Report()
        result = Checked(report)
        kind = obj.get("type")
        extensions = obj.get("extensions")
        if extensions is None:
            profile = self._profiles.get((kind, False, False)) if kind.__class__ is str else None
        else:
            declared = self._check_extensions(extensions, report)
            profile = (
                self._profiles.get((kind, "new-sco" in declared, "toplevel-property-extension" in declared))
                if kind.__class__ is str
                else None
            )
            if profile is None and kind.__class__ is str and formats.TYPE_NAME.match(kind) and "--" not in kind:
                profile = self._profile(kind, "new-sco" in declared, "toplevel-property-extension" in declared)
        if profile is None:
            if kind is None:
                report.error("type", "'type' is missing")
                return result
            if kind.__class__ is not str or not formats.TYPE_NAME.match(kind) or "--" in kind:
                report.error("type", f"{show(kind)} is not a valid type name (3 to 250 of a-z, 0-9 and -)")
                return result
            profile = self._profile(kind, False, False)
        stix_id = obj.get("id")
        strict = formats.STRICT_ID.match(stix_id) if stix_id.__class__ is str else None
        if (strict is None or strict.group(1) != kind) and not self._check_id(stix_id, profile.kind, report):
            return result
        result.version_key = self._check_core(obj, profile, report)
        if report.errors:
            return result

        checks = profile.checks
        lax_names = profile.lax_names
        for key, value in obj.items():
            check = checks.get(key)
            if check is check_string:  # most properties: spare the call
                if value.__class__ is not str:
                    check_string(value, key, report)
            elif check is not None:
                check(value, key, report)
            elif key not in _CORE:
                self._check_custom_property(key, value, report, lax_names)
        for name in profile.required:
            if name not in obj:
                report.warn(name, f"'{name}' is required for {kind}")
        if "lang" in obj:
            lang = obj["lang"]
            if lang.__class__ is not str or not formats.LANGUAGE_TAG.match(lang):
                report.warn("lang", f"{show(lang)} is not an RFC 5646 language code")
        if profile.rule is not None:
            profile.rule(self, obj, report)
        if profile.order:
            _check_order(obj, profile.order, report)
        return result

    def _profile(self, kind: str, new_sco: bool, toplevel: bool) -> _Profile:
        category = self._model.categories.get(kind)
        if category is None:
            category = SCO if new_sco else "custom"
        schema = self._model.types.get(kind)
        checks = schema.properties if schema is not None else self._sco_common if category == SCO else self._common
        timestamped = category in (SDO, SRO, "custom") or kind in _TIMESTAMPED_META
        profile = _Profile(
            kind=kind,
            category=category,
            checks=checks,
            required=schema.required if schema is not None else (),
            needs_created=timestamped or kind == "marking-definition",
            needs_modified=timestamped,
            lax_names=category == "custom" or toplevel,
            rule=_RULES.get(kind),
            order=_ORDER.get(kind),
        )
        if len(self._profiles) < 10_000:
            self._profiles[(kind, new_sco, toplevel)] = profile
        return profile

    def _check_id(self, stix_id: Any, kind: str, report: Report) -> bool:
        """The id of an object whose id is not a lower-case RFC UUID of its type: False if it is unusable."""
        if stix_id is None:
            report.error("id", "'id' is missing")
            return False
        match = formats.ID_SHAPE.match(stix_id) if stix_id.__class__ is str else None
        if match is None:
            report.error("id", f"{show(stix_id)} is not an identifier (type--UUID)")
            return False
        if match.group(1) != kind:
            report.error("id", f"does not start with '{kind}--'")
            return False
        report.warn("id", "the UUID is not an RFC 4122 UUID in lower case (version 1 to 8, variant 10xx)")
        return True

    # -- the core properties ---------------------------------------------------------------------------------

    def _check_core(self, obj: dict[str, Any], profile: _Profile, report: Report) -> str:
        version = obj.get("spec_version")
        if version is None:
            if profile.category != SCO:
                report.error("spec_version", "'spec_version' is missing (STIX 2.1 objects must have it)")
        elif version != "2.1":
            report.error("spec_version", f"{show(version)} is not a STIX version this program reads (2.1, 2.0)")
        created, modified = obj.get("created"), obj.get("modified")
        created_key = modified_key = None
        if created is not None:
            created_key = formats.timestamp_key(created)
            if created_key is None:
                report.error("created", f"{show(created)} is not an RFC 3339 timestamp in UTC")
        elif profile.needs_created:
            report.error("created", f"'created' is missing (required for {profile.kind})")
        if modified is not None:
            modified_key = formats.timestamp_key(modified)
            if modified_key is None:
                report.error("modified", f"{show(modified)} is not an RFC 3339 timestamp in UTC")
        elif profile.needs_modified:
            report.error("modified", f"'modified' is missing (required for {profile.kind})")
        if created_key and modified_key and modified_key < created_key:
            report.warn("modified", f"{modified} is earlier than created ({created})")
        return modified_key or created_key or ""

    def _check_extensions(self, extensions: Any, report: Report) -> set[str]:
        """Check the ``extensions`` dictionary; returns the extension types the object declares."""
        declared: set[str] = set()
        if extensions.__class__ is not dict:
            report.warn("extensions", f"{show(extensions)} is not a dictionary")
            return declared
        known = self._model.extensions
        for name, extension in extensions.items():
            path = f"extensions.{name}"
            if extension.__class__ is not dict:
                report.warn(path, f"{show(extension)} is not an object")
                continue
            schema = known.get(name)
            if schema is not None:
                for key, value in extension.items():
                    check = schema.properties.get(key)
                    if check is not None:
                        check(value, f"{path}.{key}", report)
                    elif key.endswith("_ref") or key.endswith("_refs"):
                        check_custom_reference(key, value, f"{path}.{key}", report)
                for required in schema.required:
                    if required not in extension:
                        report.warn(path, f"'{required}' is required in {name}")
                continue
            if formats.EXTENSION_DEFINITION_ID.match(name):
                if not name.islower():
                    report.upper_case_ids = True
                extension_type = extension.get("extension_type")
                if extension_type is not None:
                    if extension_type.__class__ is not str or extension_type not in _EXTENSION_TYPES:
                        report.warn(
                            f"{path}.extension_type",
                            f"{show(extension_type)} is not one of " + ", ".join(sorted(_EXTENSION_TYPES)),
                        )
                    else:
                        declared.add(extension_type)
            elif not formats.EXTENSION_NAME.match(name):
                report.warn(
                    "extensions", f"{show(name)} is neither a STIX extension (name-ext) nor an extension-definition id"
                )
            _check_nested_references(extension, path, report, depth=0)
        return declared

    def _check_custom_property(self, key: str, value: Any, report: Report, lax_names: bool) -> None:
        known = _custom_names[lax_names]
        verdict = known.get(key)
        if verdict is None:
            if len(known) > 10_000:
                known.clear()
            verdict = known[key] = _custom_name_verdict(key, lax_names)
        message, is_reference = verdict
        if message:
            report.warn(key, message)
        if is_reference:
            check_custom_reference(key, value, key, report)
        elif value.__class__ is list:
            if not value:
                report.warn(key, "is an empty list")
            elif value[0].__class__ is not str or value[-1].__class__ is not str:
                _check_nested_references(value, key, report, depth=0)
        elif value.__class__ is dict:
            _check_nested_references(value, key, report, depth=0)


# By laxness, property name -> (warning or "", whether it is a reference): producers repeat a few custom names.
_custom_names: dict[bool, dict[str, tuple[str, bool]]] = {False: {}, True: {}}


def _custom_name_verdict(key: str, lax_names: bool) -> tuple[str, bool]:
    message = ""
    if not formats.PROPERTY_NAME.match(key) and key != "id":
        message = f"{show(key)} is not a valid property name (3 to 250 of a-z, 0-9 and _, starting with a letter)"
    elif key in _RESERVED:
        message = f"'{key}' is reserved by STIX 2.1 and may not be used"
    elif not lax_names and not key.startswith("x_"):
        message = f"custom property '{key}' should start with x_"
    return message, key.endswith("_ref") or key.endswith("_refs")


def _check_nested_references(node: Any, path: str, report: Report, depth: int) -> None:
    """``*_ref``/``*_refs`` keys inside custom content; depth is bounded by the caller's limits."""
    if depth > 100:
        return
    if node.__class__ is dict:
        for key, value in node.items():
            if key.__class__ is str and (key.endswith("_ref") or key.endswith("_refs")):
                check_custom_reference(key, value, f"{path}.{key}", report)
            elif value.__class__ is dict or value.__class__ is list:
                _check_nested_references(value, f"{path}.{key}", report, depth + 1)
    elif node.__class__ is list:
        for item in node:
            if item.__class__ is dict or item.__class__ is list:
                _check_nested_references(item, path, report, depth + 1)


def _check_order(obj: dict[str, Any], order: tuple[tuple[str, str, bool], ...], report: Report) -> None:
    for later, earlier, strictly in order:
        if later in obj and earlier in obj:
            late, early = formats.timestamp_key(obj[later]), formats.timestamp_key(obj[earlier])
            if late is None or early is None:
                continue
            if late < early or (strictly and late == early):
                report.warn(
                    later,
                    f"{obj[later]} must be {'after' if strictly else 'no earlier than'} {earlier} ({obj[earlier]})",
                )


# -- rules of single types -------------------------------------------------------------------------------------


def _indicator(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    pattern, pattern_type = obj.get("pattern"), obj.get("pattern_type")
    if pattern.__class__ is not str or pattern_type != "stix":
        return
    version = obj.get("pattern_version")
    version = version if version in ("2.0", "2.1") else "2.1"
    verdict = checker._patterns.check(pattern, version)
    if verdict.error:
        report.error("pattern", verdict.error)
    for warning in verdict.warnings:
        report.warn("pattern", warning)


def _observed_data(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    embedded = obj.get("objects")
    if ("objects" in obj) == ("object_refs" in obj):
        report.warn("object_refs", "observed-data needs exactly one of object_refs and objects")
    if embedded is not None and (
        embedded.__class__ is not dict or any(value.__class__ is not dict for value in embedded.values())
    ):
        report.warn("objects", "must be a dictionary of observable objects")


def _relationship(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    kind = obj.get("relationship_type")
    if kind.__class__ is str and not formats.RELATIONSHIP_TYPE.match(kind):
        report.warn("relationship_type", f"{show(kind)} should hold only a-z, 0-9 and -")


def _location(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    if ("latitude" in obj) != ("longitude" in obj):
        report.warn("latitude", "latitude and longitude go together")
    if "precision" in obj and "latitude" not in obj:
        report.warn("precision", "precision needs latitude and longitude")
    if not any(key in obj for key in ("region", "country", "latitude")):
        report.warn("region", "a location needs region, country, or latitude and longitude")


def _malware_analysis(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    if "result" not in obj and "analysis_sco_refs" not in obj:
        report.warn("result", "malware-analysis needs result or analysis_sco_refs")


def _marking_definition(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    kind, definition = obj.get("definition_type"), obj.get("definition")
    if kind is None and definition is None:
        if not obj.get("extensions"):
            report.warn("definition", "a marking definition needs definition_type and definition, or an extension")
    elif kind == "tlp":
        if definition.__class__ is not dict or definition.get("tlp") not in ("white", "green", "amber", "red"):
            report.warn("definition", "a TLP definition needs tlp: white, green, amber or red")
    elif kind == "statement" and (definition.__class__ is not dict or definition.get("statement").__class__ is not str):
        report.warn("definition", "a statement definition needs a statement")
    own = obj.get("id")
    if own in (obj.get("object_marking_refs") or ()):
        report.warn("object_marking_refs", "a marking definition may not mark itself")
    for granular in obj.get("granular_markings") or ():
        if granular.__class__ is dict and granular.get("marking_ref") == own:
            report.warn("granular_markings", "a marking definition may not mark itself")


def _extension_definition(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    types = obj.get("extension_types")
    if "extension_properties" in obj and (types.__class__ is not list or "toplevel-property-extension" not in types):
        report.warn("extension_properties", "only a toplevel-property-extension lists extension_properties")


def _language_content(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    contents = obj.get("contents")
    if contents.__class__ is not dict:
        return
    for language, translations in contents.items():
        if not formats.LANGUAGE_TAG.match(language):
            report.warn("contents", f"{show(language)} is not an RFC 5646 language code")
        if translations.__class__ is dict:
            for name in translations:
                if not formats.PROPERTY_NAME.match(name):
                    report.warn("contents", f"{show(name)} in {show(language)} is not a property name")


def _value_rule(form: Any, what: str) -> Any:
    def rule(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
        value = obj.get("value")
        if value.__class__ is str and not form(value):
            report.warn("value", f"{show(value)} is not {what}")

    return rule


def _network_traffic(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    if "src_ref" not in obj and "dst_ref" not in obj:
        report.warn("src_ref", "network-traffic needs src_ref or dst_ref")
    if obj.get("is_active") is True and "end" in obj:
        report.warn("end", "an active network-traffic has no end")


def _artifact(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    if ("payload_bin" in obj) == ("url" in obj):
        report.warn("payload_bin", "an artifact needs exactly one of payload_bin and url")
    if "url" in obj:
        url = obj["url"]
        if url.__class__ is not str or not formats.URI.match(url):
            report.warn("url", f"{show(url)} is not a URL")
        if "hashes" not in obj:
            report.warn("hashes", "an artifact with a url needs hashes")
    _mime_type(obj, report)


def _mime_type(obj: dict[str, Any], report: Report) -> None:
    mime = obj.get("mime_type")
    if mime is not None and (mime.__class__ is not str or not formats.MIME_TYPE.match(mime)):
        report.warn("mime_type", f"{show(mime)} is not a MIME type")


def _file(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    if "hashes" not in obj and "name" not in obj:
        report.warn("name", "a file needs hashes or a name")
    _character_set(obj, "name_enc", report)
    _mime_type(obj, report)


def _directory(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    _character_set(obj, "path_enc", report)


def _character_set(obj: dict[str, Any], key: str, report: Report) -> None:
    value = obj.get(key)
    if value is not None and (value.__class__ is not str or not formats.is_character_set(value)):
        report.warn(key, f"{show(value)} is not a character set name")


def _email_message(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    multipart = obj.get("is_multipart")
    if multipart is False and "body_multipart" in obj:
        report.warn("body_multipart", "is_multipart is false: use body, not body_multipart")
    if multipart is True and "body" in obj:
        report.warn("body", "is_multipart is true: use body_multipart, not body")


def _software(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    cpe = obj.get("cpe")
    if cpe is not None and (cpe.__class__ is not str or not formats.CPE_23.match(cpe)):
        report.warn("cpe", f"{show(cpe)} is not a CPE 2.3 name")
    languages = obj.get("languages")
    if languages.__class__ is list:
        for language in languages:
            if language.__class__ is not str or not formats.LANGUAGE_TAG.match(language):
                report.warn("languages", f"{show(language)} is not an RFC 5646 language code")


def _registry_key(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
    key = obj.get("key")
    if key.__class__ is str and formats.REGISTRY_HIVE_ABBREVIATION.match(key):
        report.warn("key", "the hive must be spelled out (HKEY_LOCAL_MACHINE, not HKLM)")


def _random_id_rule(contributing: tuple[str, ...]) -> Any:
    """Observables without contributing properties must use a random (version 4) UUID."""

    def rule(checker: ObjectChecker, obj: dict[str, Any], report: Report) -> None:
        if not any(key in obj for key in contributing) and obj["id"][-36:][14] != "4":
            report.warn("id", "an observable without identifying properties must use a UUIDv4 id")

    return rule


_RULES: dict[str, Any] = {
    "indicator": _indicator,
    "observed-data": _observed_data,
    "relationship": _relationship,
    "location": _location,
    "malware-analysis": _malware_analysis,
    "marking-definition": _marking_definition,
    "language-content": _language_content,
    "extension-definition": _extension_definition,
    "ipv4-addr": _value_rule(formats.is_ipv4, "an IPv4 address or CIDR block"),
    "ipv6-addr": _value_rule(formats.is_ipv6, "an IPv6 address or CIDR block"),
    "mac-addr": _value_rule(formats.MAC_ADDRESS.match, "a MAC address (lower case, colon-separated)"),
    "email-addr": _value_rule(formats.EMAIL_ADDRESS.match, "an e-mail address"),
    "url": _value_rule(formats.URI.match, "a URL"),
    "network-traffic": _network_traffic,
    "artifact": _artifact,
    "file": _file,
    "directory": _directory,
    "email-message": _email_message,
    "software": _software,
    "windows-registry-key": _registry_key,
    "process": _random_id_rule(()),
    "x509-certificate": _random_id_rule(("hashes", "serial_number")),
}

__all__ = ["META", "SCO", "SDO", "SRO", "Checked", "ObjectChecker"]
