"""The private parts of the stix2 library that services/importing/schema.py compiles its checks from.

stix2 does not promise them: a release may move them. pyproject.toml pins stix2 below 4; before raising that
pin, these tests must pass with the new release, and each failure names the part that moved.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import stix2
from stix2 import properties
from stix2.registry import STIX2_OBJ_MAPS
from stix2.utils import STIXTypeClass

from workbench.services.importing import schema

MOVED = "stix2 {version}: {what} moved; services/importing/schema.py reads it (see pyproject.toml's pin)"


def moved(what: str) -> str:
    return MOVED.format(version=stix2.__version__, what=what)


def test_the_registry_lists_the_21_classes_by_kind() -> None:
    maps = STIX2_OBJ_MAPS.get("2.1")
    assert isinstance(maps, Mapping), moved("registry.STIX2_OBJ_MAPS['2.1']")
    for kind, example in (("objects", "indicator"), ("observables", "ipv4-addr"), ("extensions", "archive-ext")):
        assert isinstance(maps.get(kind), Mapping) and example in maps[kind], moved(f"STIX2_OBJ_MAPS['2.1'][{kind!r}]")
    assert {STIXTypeClass.SDO, STIXTypeClass.SCO, STIXTypeClass.SRO}, moved("utils.STIXTypeClass")


@pytest.mark.parametrize(
    "name",
    [
        "TimestampProperty",
        "ReferenceProperty",
        "ListProperty",
        "EmbeddedObjectProperty",
        "EnumProperty",
        "IntegerProperty",
        "FloatProperty",
        "BooleanProperty",
        "HashesProperty",
        "ExtensionsProperty",
        "ObservableProperty",
        "DictionaryProperty",
        "BinaryProperty",
        "HexProperty",
        "SelectorProperty",
        "StringProperty",
        "TypeProperty",
        "IDProperty",
    ],
)
def test_the_property_classes_exist(name: str) -> None:
    assert isinstance(getattr(properties, name, None), type), moved(f"properties.{name}")


def test_classes_declare_their_properties_as_schema_reads_them() -> None:
    indicator = STIX2_OBJ_MAPS["2.1"]["objects"]["indicator"]
    declared = getattr(indicator, "_properties", None)
    assert isinstance(declared, Mapping), moved("a class's _properties")
    assert declared["pattern"].required and not declared["name"].required, moved("Property.required")
    created_by = declared["created_by_ref"]
    for attribute in ("generics", "specifics", "auth_type", "_WHITELIST"):
        assert hasattr(created_by, attribute), moved(f"ReferenceProperty.{attribute}")
    assert created_by.auth_type == created_by._WHITELIST and "identity" in created_by.specifics
    assert isinstance(declared["kill_chain_phases"].contained, properties.EmbeddedObjectProperty | type), moved(
        "ListProperty.contained"
    )
    count = STIX2_OBJ_MAPS["2.1"]["objects"]["sighting"]._properties["count"]
    assert (count.min, count.max) == (0, 999_999_999), moved("IntegerProperty.min/max")
    assert "malicious-activity" in declared["indicator_types"].contained.allowed, moved("EnumProperty.allowed")


def test_the_compiled_model_holds_what_the_library_declares() -> None:
    """The end result: checks compiled from the library say what the specification says."""
    compiled = schema.model()
    indicator = compiled.types["indicator"]
    assert {"pattern", "pattern_type"} <= set(indicator.required)
    assert compiled.categories["ipv4-addr"] == schema.SCO and compiled.categories["relationship"] == schema.SRO
    assert "archive-ext" in compiled.extensions
    assert len(compiled.types) > 40, moved("the registry's 2.1 objects and observables")
