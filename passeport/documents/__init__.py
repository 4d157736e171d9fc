"""Printable documents (PDF through WeasyPrint), built from plain data."""
