"""Validation of invoice documents against the official artefacts, with findings as data.

- :mod:`~formats.validation.artefacts`: resolve logical artefact ids
  (``xsd:ubl-invoice``, ``xslt:cen-cii``...) to files and verify them against
  the pins in ``schemas/official-artefacts.yaml``;
- :mod:`~formats.validation.xsd`: choose and run the XSD layers;
- :mod:`~formats.validation.findings`: :class:`Finding` and :class:`ValidationReport`;
- :mod:`~formats.validation.layers`: which layers apply to a document (:class:`Layer`);
- :mod:`~formats.validation.engine`: :class:`Validator`, all layers on one document, in-process;
- :mod:`~formats.validation.pool`: :class:`ValidationPool`, long-lived validator worker processes;
- :mod:`~formats.validation.svrl`: reports written as SVRL.

Validation never raises because a document is invalid; it raises
:class:`~formats.errors.ArtefactError` only when it cannot run.
"""

from formats.validation.artefacts import (
    ENV_VAR,
    MANIFEST_PATH,
    ArtefactSource,
    ArtefactStore,
    Manifest,
    MismatchKind,
    PinMismatch,
    PinnedArtefact,
    ResolvedArtefact,
    load_manifest,
)
from formats.validation.engine import NativeChecks, Validator, input_failure
from formats.validation.findings import Finding, Flag, ValidationReport
from formats.validation.layers import Layer, LayerPlan, choose_layers, parse_layers
from formats.validation.pool import ValidationPool, engine_error
from formats.validation.svrl import render_svrl
from formats.validation.xsd import (
    FACTURX_PROFILES,
    LAYER_FX_XSD,
    LAYER_XSD,
    Syntax,
    XsdValidator,
    choose_schemas,
    guideline_of,
    profile_from_guideline,
    syntax_of,
)

__all__ = [
    # findings
    "Finding",
    "Flag",
    "ValidationReport",
    # engine, layers, pool
    "Layer",
    "LayerPlan",
    "NativeChecks",
    "ValidationPool",
    "Validator",
    "choose_layers",
    "engine_error",
    "input_failure",
    "parse_layers",
    "render_svrl",
    # artefacts
    "ENV_VAR",
    "MANIFEST_PATH",
    "ArtefactSource",
    "ArtefactStore",
    "Manifest",
    "MismatchKind",
    "PinMismatch",
    "PinnedArtefact",
    "ResolvedArtefact",
    "load_manifest",
    # xsd
    "FACTURX_PROFILES",
    "LAYER_FX_XSD",
    "LAYER_XSD",
    "Syntax",
    "XsdValidator",
    "choose_schemas",
    "guideline_of",
    "profile_from_guideline",
    "syntax_of",
]
