"""Plain PDFs → EN 16931 model through per-issuer mapping files (``mappings/*.yaml``).

Learned from invoice2data's YAML templates: match an issuer by keywords or
identifiers, extract fields with regexes or anchors, read line and VAT tables,
parse dates and numbers in the issuer's notation, fill what the PDF does not
show from defaults and constants, then run the native pre-checks.
Files are checked against ``schemas/mapping.schema.json``.
"""

from formats.mappings.engine import MappingResult, TraceEntry, apply_mapping, mapping_score, match_mapping
from formats.mappings.spec import Mapping, load_mapping
from formats.mappings.values import parse_date, parse_number

__all__ = [
    "Mapping",
    "MappingResult",
    "TraceEntry",
    "apply_mapping",
    "load_mapping",
    "mapping_score",
    "match_mapping",
    "parse_date",
    "parse_number",
]
