"""The STIX 2.1 data model as fast checks, compiled once from the stix2 library's own class definitions.

The stix2 library describes every object type, observable and extension of STIX 2.1 as classes whose properties
carry their kind (timestamp, reference with allowed types, integer range, enumeration, embedded type, list of
...), which of them are required, and the object's category. Parsing with those classes is slow (about 0.25 ms an
object, more with patterns); the same knowledge compiled into small closures checks an object in a few
microseconds. Keeping the library as the source means the checks follow the library as it follows the standard.

A check is ``check(value, path, report)``: it reports what is wrong with the value at ``path``. What makes an
object unusable is an error (timestamps that are not RFC 3339, references that are not identifiers); everything
else is a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from workbench.domain.timestamps import sortable_timestamp
from workbench.services.importing import formats

logger = logging.getLogger(__name__)


class Report:
    """Findings about one object: ``(property path, message)`` pairs in two levels."""

    __slots__ = ("errors", "upper_case_ids", "warnings")

    def __init__(self) -> None:
        self.errors: list[tuple[str | None, str]] = []
        self.warnings: list[tuple[str | None, str]] = []
        # A reference or extension id with an upper-case UUID: the importer writes it in lower case.
        self.upper_case_ids = False

    def error(self, path: str | None, message: str) -> None:
        self.errors.append((path, message))

    def warn(self, path: str | None, message: str) -> None:
        self.warnings.append((path, message))


Check = Callable[[Any, str, Report], None]

SDO, SCO, SRO, META = "sdo", "sco", "sro", "meta"
_CATEGORY_NAMES = {SDO: "a domain object", SCO: "an observable", SRO: "a relationship or sighting"}


@dataclass
class TypeSchema:
    """What is known about one object type, extension or embedded type."""

    name: str
    category: str
    properties: dict[str, Check] = field(default_factory=dict)
    required: tuple[str, ...] = ()


def show(value: Any, length: int = 60) -> str:
    """A value from the file as a message may quote it: short, printable, in quotes for strings."""
    text = repr(value) if not isinstance(value, str) else "'" + value + "'"
    if len(text) > length:
        text = text[: length - 3] + "..."
    return "".join(char if char.isprintable() else "?" for char in text)


# -- checks of single values -----------------------------------------------------------------------------------


def check_nothing(value: Any, path: str, report: Report) -> None:
    pass


def check_string(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not str:
        report.warn(path, f"{show(value)} is not a string")


def check_boolean(value: Any, path: str, report: Report) -> None:
    if value is not True and value is not False:
        report.warn(path, f"{show(value)} is not true or false")


def check_timestamp(value: Any, path: str, report: Report) -> None:
    if sortable_timestamp(value) is None:
        report.error(path, f"{show(value)} is not an RFC 3339 timestamp in UTC")


def check_hex(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not str or not formats.HEX.match(value):
        report.warn(path, f"{show(value)} is not hexadecimal")


def check_base64(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not str or not formats.is_base64(value):
        report.warn(path, f"{show(value)} is not base64")


def check_dictionary(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not dict:
        report.warn(path, f"{show(value)} is not a dictionary")
        return
    for key in value:
        if not formats.DICTIONARY_KEY.match(key):
            report.warn(path, f"the key {show(key)} is not a valid dictionary key")
            return


def check_hashes(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not dict:
        report.warn(path, f"{show(value)} is not a dictionary of hashes")
        return
    if not value:
        report.warn(path, "is an empty dictionary")
    for name, digest in value.items():
        form = formats.HASH_VALUES.get(name)
        if form is None:
            upper = name.upper()
            if upper.replace("-", "") in ("MD5", "SHA1", "SHA256", "SHA512", "SHA3256", "SHA3512"):
                report.warn(
                    path,
                    f"the hash name {show(name)} should be written as in the STIX vocabulary "
                    "(MD5, SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512)",
                )
            elif not formats.HASH_NAME.match(name):
                report.warn(path, f"the hash name {show(name)} is not a valid hash name")
        if digest.__class__ is not str:
            report.warn(path, f"the {show(name)} hash is not a string")
        elif form is not None and not form.match(digest):
            report.warn(path, f"{show(digest)} is not a valid {name} hash")


def check_selector(value: Any, path: str, report: Report) -> None:
    if value.__class__ is not str or not formats.SELECTOR.match(value):
        report.warn(path, f"{show(value)} is not a valid selector")


def make_integer_check(minimum: int | None, maximum: int | None) -> Check:
    def check_integer(value: Any, path: str, report: Report) -> None:
        if value.__class__ is not int:
            report.warn(path, f"{show(value)} is not an integer")
        elif minimum is not None and value < minimum:
            report.warn(path, f"{value} is less than the minimum of {minimum}")
        elif maximum is not None and value > maximum:
            report.warn(path, f"{value} is greater than the maximum of {maximum}")

    return check_integer


def make_float_check(minimum: float | None, maximum: float | None) -> Check:
    def check_float(value: Any, path: str, report: Report) -> None:
        if value.__class__ not in (int, float):
            report.warn(path, f"{show(value)} is not a number")
        elif minimum is not None and value < minimum:
            report.warn(path, f"{value} is less than the minimum of {minimum}")
        elif maximum is not None and value > maximum:
            report.warn(path, f"{value} is greater than the maximum of {maximum}")

    return check_float


def make_enum_check(allowed: frozenset[str]) -> Check:
    shown = ", ".join(sorted(allowed))

    def check_enum(value: Any, path: str, report: Report) -> None:
        if value.__class__ is not str or value not in allowed:
            report.warn(path, f"{show(value)} is not one of {shown}")

    return check_enum


def make_reference_check(allowed: Callable[[str], bool] | None, expectation: str) -> Check:
    """A reference: an error if it is not an identifier, a warning if it names a type it may not."""

    def check_reference(value: Any, path: str, report: Report) -> None:
        kind = _reference_types.get(value) if value.__class__ is str else None
        if kind is None:
            if value.__class__ is not str or not formats.ID_SHAPE.match(value):
                bad_reference(value, path, report)
                return
            kind = _remember_reference(value, report)
        if allowed is not None and not allowed(kind):
            report.warn(path, f"refers to a {kind}; {expectation}")

    return check_reference


def make_list_check(item: Check, *, of_references: bool) -> Check:
    def check_list(value: Any, path: str, report: Report) -> None:
        if value.__class__ is not list:
            if of_references:
                report.error(path, f"{show(value)} is not a list of identifiers")
            else:
                report.warn(path, f"{show(value)} is not a list")
            return
        if not value:
            report.warn(path, "is an empty list")
            return
        if item is check_string:
            for element in value:
                if element.__class__ is not str:
                    check_string(element, path, report)
        elif item is not check_nothing:
            for element in value:
                item(element, path, report)

    return check_list


def make_embedded_check(schema_of: Callable[[], TypeSchema], extra: Check | None) -> Check:
    """An embedded object (external reference, kill chain phase, ...): its own properties and rules."""

    compiled: list[TypeSchema] = []

    def check_embedded(value: Any, path: str, report: Report) -> None:
        if value.__class__ is not dict:
            report.warn(path, f"{show(value)} is not an object")
            return
        if not compiled:
            compiled.append(schema_of())
        schema = compiled[0]
        checks = schema.properties
        for key, sub in value.items():
            check = checks.get(key)
            if check is check_string:  # most properties: spare the call and the path
                if sub.__class__ is not str:
                    check_string(sub, f"{path}.{key}", report)
            elif check is not None:
                check(sub, f"{path}.{key}", report)
            elif key.endswith("_ref") or key.endswith("_refs"):
                check_custom_reference(key, sub, f"{path}.{key}", report)
        for name in schema.required:
            if name not in value:
                report.warn(path, f"'{name}' is required in {schema.name}")
        if extra is not None:
            extra(value, path, report)

    return check_embedded


# Identifiers already seen well-formed, with their type: files refer to the same few objects again and again
# (markings, identities, the objects a report lists); 50,000 of them, a few MB, which the page cache of a large
# import makes better use of.
_reference_types: dict[str, str] = {}


def _remember_reference(value: str, report: Report) -> str:
    """The type of a well-formed reference, remembered unless its UUID is in upper case (which is reported)."""
    kind = value.split("--", 1)[0]
    if not value.islower():
        report.upper_case_ids = True
        return kind
    if len(_reference_types) > 50_000:
        _reference_types.clear()
    _reference_types[value] = kind
    return kind


def bad_reference(value: Any, path: str, report: Report) -> None:
    """A reference that is not ``type--UUID``: an error, unless it is one whose UUID part is merely damaged (a
    digit missing), which real producers write and the OASIS validator lets pass: then a warning."""
    if value.__class__ is str and formats.LOOSE_ID.match(value):
        report.warn(path, f"{show(value)}: the UUID part of this reference is malformed")
    else:
        report.error(path, f"{show(value)} is not an identifier (type--UUID)")


def check_custom_reference(key: str, value: Any, path: str, report: Report) -> None:
    """A property named ``*_ref`` or ``*_refs`` must hold identifiers, whatever defines it (STIX 2.1, 3.3).

    An empty custom reference (MITRE ATT&CK writes ``"x_mitre_data_source_ref": ""``) refers to nothing: a
    warning, not an error.
    """
    if key.endswith("_ref"):
        if value == "" or value is None:
            report.warn(path, "is an empty reference; read as no reference")
        elif not _known_reference(value, report):
            bad_reference(value, path, report)
    elif value.__class__ is not list:
        report.error(path, f"{show(value)} is not a list of identifiers")
    else:
        for item in value:
            if not _known_reference(item, report):
                bad_reference(item, path, report)
                return


def _known_reference(value: Any, report: Report) -> bool:
    if value.__class__ is not str:
        return False
    if value in _reference_types:
        return True
    if not formats.ID_SHAPE.match(value):
        return False
    _remember_reference(value, report)
    return True


# -- compiling the stix2 classes -------------------------------------------------------------------------------


def _external_reference_rules(value: dict[str, Any], path: str, report: Report) -> None:
    source, external_id = value.get("source_name"), value.get("external_id")
    if "external_id" not in value and "url" not in value and "description" not in value:
        report.warn(path, "needs at least one of description, external_id, url")
    if source == "cve" or source == "capec" or (external_id.__class__ is str and external_id[:3] in ("CVE", "CAP")):
        for vocabulary, form in (("cve", formats.CVE_ID), ("capec", formats.CAPEC_ID)):
            if source == vocabulary and not (external_id.__class__ is str and form.match(external_id)):
                report.warn(
                    path,
                    f"a {vocabulary} reference needs an external_id like "
                    f"{'CVE-2016-1234' if vocabulary == 'cve' else 'CAPEC-163'}",
                )
            elif external_id.__class__ is str and form.match(external_id) and source != vocabulary:
                report.warn(path, f"{show(external_id)} should have the source_name '{vocabulary}'")
    url = value.get("url")
    if url is not None and (url.__class__ is not str or not formats.URI.match(url)):
        report.warn(f"{path}.url", f"{show(url)} is not a URL")


def _granular_marking_rules(value: dict[str, Any], path: str, report: Report) -> None:
    has_ref, has_lang = "marking_ref" in value, "lang" in value
    if has_ref == has_lang:
        report.warn(path, "needs exactly one of marking_ref and lang")
    ref = value.get("marking_ref")
    if ref.__class__ is str and formats.ID_SHAPE.match(ref) and not ref.startswith("marking-definition--"):
        report.warn(f"{path}.marking_ref", f"{show(ref)} is not a marking-definition")
    if "selectors" not in value:
        report.warn(path, "'selectors' is required in a granular marking")


_EMBEDDED_RULES: dict[str, Check] = {
    "ExternalReference": _external_reference_rules,  # type: ignore[dict-item]
    "GranularMarking": _granular_marking_rules,  # type: ignore[dict-item]
}


class _Compiler:
    """Turns stix2 property objects into checks; embedded classes are compiled once, on first use."""

    def __init__(self) -> None:
        from stix2 import properties
        from stix2.registry import STIX2_OBJ_MAPS
        from stix2.utils import STIXTypeClass

        self.p = properties
        self.classes = STIX2_OBJ_MAPS["2.1"]
        self.type_class = STIXTypeClass
        observables = set(self.classes["observables"])
        objects = set(self.classes["objects"])
        self.categories: dict[str, str] = {name: SCO for name in observables}
        for name in objects:
            if name in ("relationship", "sighting"):
                self.categories[name] = SRO
            elif name in ("marking-definition", "language-content", "extension-definition", "bundle"):
                self.categories[name] = META
            else:
                self.categories[name] = SDO
        self.embedded: dict[type, TypeSchema] = {}

    def schema(self, name: str, cls: type, category: str) -> TypeSchema:
        properties = {key: self.check(prop, key) for key, prop in cls._properties.items()}  # type: ignore[attr-defined]
        required = tuple(key for key, prop in cls._properties.items() if prop.required)  # type: ignore[attr-defined]
        return TypeSchema(name, category, properties, required)

    def check(self, prop: Any, name: str) -> Check:
        p = self.p
        if isinstance(prop, type):  # an embedded class, as ListProperty(KillChainPhase) holds it
            return self._embedded(prop)
        if isinstance(prop, p.TimestampProperty):
            return check_timestamp
        if isinstance(prop, p.ReferenceProperty):
            allowed, expectation = self._reference_rule(prop)
            return make_reference_check(allowed, expectation)
        if isinstance(prop, p.ListProperty):
            item = self.check(prop.contained, name)
            return make_list_check(item, of_references=isinstance(prop.contained, p.ReferenceProperty))
        if isinstance(prop, p.EmbeddedObjectProperty):
            return self._embedded(prop.type)
        if isinstance(prop, p.EnumProperty):
            return make_enum_check(frozenset(prop.allowed))
        if isinstance(prop, p.IntegerProperty):
            return make_integer_check(prop.min, prop.max)
        if isinstance(prop, p.FloatProperty):
            return make_float_check(prop.min, prop.max)
        if isinstance(prop, p.BooleanProperty):
            return check_boolean
        if isinstance(prop, p.HashesProperty):
            return check_hashes
        if isinstance(prop, (p.ExtensionsProperty, p.ObservableProperty)):
            return check_nothing  # checked by the object rules, which know the extensions and observables
        if isinstance(prop, p.DictionaryProperty):
            return check_dictionary
        if isinstance(prop, p.BinaryProperty):
            return check_base64
        if isinstance(prop, p.HexProperty):
            return check_hex
        if isinstance(prop, p.SelectorProperty):
            return check_selector
        if isinstance(prop, (p.StringProperty, p.TypeProperty, p.IDProperty)):
            return check_string
        return check_nothing

    def _embedded(self, cls: type) -> Check:
        def schema_of() -> TypeSchema:
            found = self.embedded.get(cls)
            if found is None:
                found = self.embedded[cls] = TypeSchema(_readable(cls.__name__), "embedded")
                compiled = self.schema(found.name, cls, "embedded")
                found.properties, found.required = compiled.properties, compiled.required
            return found

        return make_embedded_check(schema_of, _EMBEDDED_RULES.get(cls.__name__))

    def _reference_rule(self, prop: Any) -> tuple[Callable[[str], bool] | None, str]:
        """Which referenced types a reference property accepts, the permissive way the library does for custom
        content: a custom type is accepted wherever an SDO (or any generic category) is."""
        categories = self.categories
        names = {self.type_class.SDO: SDO, self.type_class.SCO: SCO, self.type_class.SRO: SRO}
        generics = {names[item] for item in prop.generics if item in names}
        specifics = set(prop.specifics)
        if prop.auth_type == prop._WHITELIST:
            if not generics and not specifics:
                return None, ""
            wanted = sorted(specifics) + [_CATEGORY_NAMES[name] for name in sorted(generics)]
            expectation = "it should refer to " + " or ".join(wanted)

            def allowed(kind: str) -> bool:
                category = categories.get(kind)
                return kind in specifics or category in generics or (category is None and bool(generics))

            return allowed, expectation
        expectation = "it may not refer to " + ", ".join(
            sorted(specifics) + [_CATEGORY_NAMES[name] for name in sorted(generics)]
        )

        def not_forbidden(kind: str) -> bool:
            return kind not in specifics and categories.get(kind) not in generics

        return not_forbidden, expectation


def _readable(class_name: str) -> str:
    out = "".join(" " + char.lower() if char.isupper() else char for char in class_name).strip()
    return out.replace("windows p e", "windows PE").replace("x509 v3", "X.509 v3")


@dataclass(frozen=True)
class Model:
    """The compiled model: object types, extensions and categories."""

    types: dict[str, TypeSchema]
    extensions: dict[str, TypeSchema]
    categories: dict[str, str]


@lru_cache(maxsize=1)
def model() -> Model:
    """Compile (once per process) the STIX 2.1 model of the installed stix2 library."""
    compiler = _Compiler()
    types = {
        name: compiler.schema(name, cls, compiler.categories[name])
        for kind in ("objects", "observables")
        for name, cls in compiler.classes[kind].items()
        if name != "bundle"
    }
    extensions = {name: compiler.schema(name, cls, "extension") for name, cls in compiler.classes["extensions"].items()}
    logger.info("compiled the STIX 2.1 model: %d types, %d extensions", len(types), len(extensions))
    return Model(types, extensions, dict(compiler.categories))
