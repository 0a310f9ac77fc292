"""Storing what a worker read (inspections/ingest.py): placing, matching, reparsing and flagging."""
