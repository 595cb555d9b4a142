"""The trained check-worthiness model and its on-disk form.

A linear model over :mod:`.features`, with Platt scaling fitted on out-of-fold
(leave-one-debate-out) decisions: ``score`` is the probability that a fact-checker
would pick the sentence, as calibrated on debates. The artifact is a zip of
``.npy`` arrays and JSON (no pickle), written byte-for-byte reproducibly.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.extract.checkworthy.features import FeatureSpace, count_features
from shared.errors import ModelUnavailable

__all__ = ["FORMAT", "CheckworthyModel", "read_model", "write_model"]

FORMAT = "crosscheck-checkworthy/1"
FloatArray = NDArray[np.float64]
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same model gives the same bytes


@dataclass(frozen=True)
class CheckworthyModel:
    """Weights over the feature space, an intercept and the Platt calibration."""

    space: FeatureSpace
    coef: FloatArray
    intercept: float
    platt_scale: float
    platt_shift: float
    metadata: dict[str, Any] = field(default_factory=dict)

    def decision(self, sentences: Sequence[str]) -> FloatArray:
        """Uncalibrated linear scores of one document's sentences, in order."""
        if not sentences:
            return np.zeros(0, dtype=np.float64)
        x = self.space.transform(count_features(sentences))
        return np.asarray(x @ self.coef + self.intercept, dtype=np.float64)

    def score(self, sentences: Sequence[str]) -> FloatArray:
        """Calibrated probabilities in [0, 1] of one document's sentences, in order."""
        z = self.platt_scale * self.decision(sentences) + self.platt_shift
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def _npy(array: FloatArray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _put(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_LZMA
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_model(model: CheckworthyModel, path: Path) -> None:
    """Write the artifact; float32 weights keep it small (scores differ by < 1e-6)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "format": FORMAT,
        "intercept": model.intercept,
        "platt_scale": model.platt_scale,
        "platt_shift": model.platt_shift,
    }
    with zipfile.ZipFile(path, "w") as archive:
        _put(archive, "model.json", json.dumps(header, sort_keys=True).encode())
        _put(
            archive, "metadata.json", json.dumps(model.metadata, indent=1, sort_keys=True).encode()
        )
        _put(archive, "coef.npy", _npy(model.coef.astype(np.float32)))
        _put(archive, "word_idf.npy", _npy(model.space.word_idf.astype(np.float32)))


def _array(archive: zipfile.ZipFile, name: str) -> FloatArray:
    loaded = np.lib.format.read_array(io.BytesIO(archive.read(name)), allow_pickle=False)
    return np.asarray(loaded, dtype=np.float64)


def read_model(path: Path) -> CheckworthyModel:
    """Load an artifact written by :func:`write_model`."""
    if not path.is_file():
        raise ModelUnavailable(f"check-worthiness model not found: {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("model.json"))
            if header.get("format") != FORMAT:
                raise ModelUnavailable(f"{path} is not a {FORMAT} artifact")
            metadata = json.loads(archive.read("metadata.json"))
            coef = _array(archive, "coef.npy")
            space = FeatureSpace(word_idf=_array(archive, "word_idf.npy"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ModelUnavailable(f"{path} is not a readable {FORMAT} artifact: {exc}") from exc
    if len(coef) != space.width:
        raise ModelUnavailable(f"{path}: {len(coef)} weights for {space.width} features")
    return CheckworthyModel(
        space=space,
        coef=coef,
        intercept=float(header["intercept"]),
        platt_scale=float(header["platt_scale"]),
        platt_shift=float(header["platt_shift"]),
        metadata=metadata,
    )
