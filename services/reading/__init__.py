"""Reading evidence (issue 13): OCR of images and the facts proposed from them or from pasted text."""

from services.reading.evidence import read_evidence, read_pasted
from services.reading.ocr import ImageReader, OcrResult

__all__ = ["ImageReader", "OcrResult", "read_evidence", "read_pasted"]
