"""The model's faster constructor keeps every dataclass guarantee."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from decimal import Decimal

import pytest

from formats import model
from formats.model import Address, Identifier, Invoice, InvoiceLine, Party, Price
from formats.model._fast_init import builder, default_test, fast_init

MODEL_CLASSES = [getattr(model, name) for name in model.__all__ if inspect.isclass(getattr(model, name))]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_model_class_is_frozen_slotted_and_fast(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert "__slots__" in cls.__dict__
    assert "_twin" in cls.__init__.__globals__  # the fast constructor, not the dataclass-generated one


def test_instances_stay_frozen_and_behave_like_dataclasses() -> None:
    line = InvoiceLine(id="1", price=Price(net_price=Decimal("9.99")), quantity=Decimal("2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.id = "2"  # type: ignore[misc]
    assert type(line) is InvoiceLine
    assert line == InvoiceLine(id="1", price=Price(net_price=Decimal("9.99")), quantity=Decimal("2"))
    assert hash(Identifier("a", "0088")) == hash(Identifier("a", "0088"))
    assert repr(Identifier("a")) == "Identifier(value='a', scheme=None, scheme_version=None)"
    changed = dataclasses.replace(line, id="3")
    assert changed.id == "3" and line.id == "1"
    assert pickle.loads(pickle.dumps(line)) == line
    assert copy.deepcopy(line) == line
    assert Invoice().lines == () and Invoice().number is None
    with pytest.raises(TypeError):
        Identifier()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Invoice(no_such_field=1)  # type: ignore[call-arg]


def test_the_decorator_refuses_what_it_cannot_reproduce() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithPostInit:
        value: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="__post_init__"):
        fast_init(WithPostInit)

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        value: int

    with pytest.raises(TypeError, match="frozen"):
        fast_init(NotFrozen)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_a_builder_takes_the_class_signature_and_builds_the_same_instance(cls: type) -> None:
    build = builder(cls)
    assert inspect.signature(build).parameters.keys() == inspect.signature(cls).parameters.keys()
    required = {
        name: "x"
        for name, parameter in inspect.signature(cls).parameters.items()
        if parameter.default is parameter.empty
    }
    plain = cls(**required)
    built = build(**required)
    assert type(built) is cls
    assert built == plain and repr(built) == repr(plain)
    assert pickle.loads(pickle.dumps(built)) == built


def test_a_built_instance_is_frozen_and_arguments_are_checked_like_the_class() -> None:
    build = builder(InvoiceLine)
    line = build(id="1", price=Price(net_price=Decimal("9.99")), quantity=Decimal("2"))
    assert line == InvoiceLine(id="1", price=Price(net_price=Decimal("9.99")), quantity=Decimal("2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.id = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        build(nope=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        builder(Identifier)()  # type: ignore[call-arg]
    assert builder(Identifier)("a", "0088") == Identifier("a", "0088")


@pytest.mark.parametrize(
    "value",
    [
        Price(),
        Price(net_price=Decimal("0")),
        Price(base_quantity_unit=""),
        Party(),
        Party(name="x"),
        None,
        "",
        Address(),
    ],
    ids=repr,
)
def test_default_test_answers_as_comparing_with_the_default_instance(value: object) -> None:
    for cls in (Price, Party):
        assert default_test(cls)(value) is (value == cls())
