"""/export: a case's evidence pack, a PDF to read (content → pdf, with fonts and thumbs) and a ZIP of the originals (items → zip)."""
from services.export.pack import EvidenceExporter, remove_exports

__all__ = ["EvidenceExporter", "remove_exports"]
