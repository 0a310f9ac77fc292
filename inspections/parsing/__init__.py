"""Pure parsing of Ofsted children's services documents: text in, framework and grades out.

Imports neither Django nor pdfminer; `inspections.pdf` turns a PDF into the pages read here.
`document.parse_document` composes the rest; its docstring is the contract.
"""

from .authorities import authority_aliases, name_key
from .document import (
    COUNCIL_PAPER,
    INSPECTION_REPORT,
    NOT_A_REPORT,
    NotAReport,
    ParsedDocument,
    ParseError,
    authority_reason,
    parse_document,
)
from .judgements import FoundJudgement
from .text import Evidence

__all__ = [
    "COUNCIL_PAPER",
    "INSPECTION_REPORT",
    "NOT_A_REPORT",
    "Evidence",
    "NotAReport",
    "FoundJudgement",
    "ParseError",
    "ParsedDocument",
    "authority_aliases",
    "authority_reason",
    "name_key",
    "parse_document",
]
