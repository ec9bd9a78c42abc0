"""Drafting a feedback file from a published document (反馈意见 / 整改进展情况通报)."""

from rectify.intake.outline import PLACEHOLDER, UnsupportedDocument, parse_document, write_draft

__all__ = ["PLACEHOLDER", "UnsupportedDocument", "parse_document", "write_draft"]
