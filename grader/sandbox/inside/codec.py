"""Plain-data wire format between the judge and the sandbox. No pickle, ever.

A message is a JSON header plus binary blobs (tensor and array bytes):

    b"D2LG" | u32 header length | header JSON (UTF-8) | blob 0 | blob 1 | ...

Values in the header are JSON scalars and arrays (Python lists), or objects with exactly one
"$tag" key for everything else: tuples, dicts, tensors, arrays, non-finite floats, opaque
objects. Decoding builds only plain Python containers, numbers, strings and fresh torch tensors
or numpy arrays from raw bytes, so whatever the other side sends, the decoder never runs its
code. Tensor subclasses and unknown objects are sent as `Opaque` placeholders that compare equal
to nothing. A tensor object met twice in one message is sent once and then referred to as
{"$same": n}; the judge then gets one tensor object for both mentions, as the sandbox had.

One kind travels in one direction only: a `JudgeFunction` (a function the judge wrote, for the
student's code to call or differentiate) is sent judge -> sandbox as its source text,
{"$function": {"source": ..., "name": ...}}. Only a decoder given a `functions` compiler (the
agent's, in the sandbox) accepts it; the judge decodes every reply without one, so a message
from the sandbox that carries a function is refused as malformed: code never comes back out.

This module runs on both sides of the trust boundary, so it imports nothing from `grader`.
The references to torch functions are taken when the module is imported (in the zygote, before
any student code runs), so a student who monkeypatches `torch.Tensor.detach` or rebinds
`torch.Tensor` does not change what is encoded.
"""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import torch

MAGIC = b"D2LG"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 100_000
MAX_FUNCTION_SOURCE = 100_000  # characters of a judge function's source

# Captured at import time: student code may rebind these names later.
TENSOR_TYPE = torch.Tensor
PARAMETER_TYPE = torch.nn.Parameter
_Size = torch.Size
_dtype_type = torch.dtype
_device_type = torch.device
_ndarray = np.ndarray
_detach = torch.Tensor.detach
_to = torch.Tensor.to
_clone = torch.Tensor.clone
_reshape = torch.Tensor.reshape
_view = torch.Tensor.view
_numpy = torch.Tensor.numpy
_untyped_storage = torch.Tensor.untyped_storage
_frombuffer = torch.frombuffer
_empty = torch.empty
_isinstance = isinstance
_type = type
# Tensor attributes read through the C base class's own descriptors: a student who replaces
# `torch.Tensor.requires_grad` or `.grad` with a property cannot change what is reported.
_TensorBase = torch._C.TensorBase
_get_dtype = _TensorBase.dtype.__get__
_get_shape = _TensorBase.shape.__get__
_get_device = _TensorBase.device.__get__
_get_is_cpu = _TensorBase.is_cpu.__get__
_get_is_meta = _TensorBase.is_meta.__get__
_get_requires_grad = _TensorBase.requires_grad.__get__
_get_is_leaf = _TensorBase.is_leaf.__get__
_get_grad = _TensorBase.grad.__get__
_DisableTorchFunction = torch._C.DisableTorchFunction
_DisableTorchDispatch = getattr(torch._C, "_DisableTorchDispatch", None)

DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
}
_DTYPE_NAMES = {v: k for k, v in DTYPES.items()}
# numpy dtypes that can travel as raw bytes (object arrays cannot).
_NUMPY_KINDS = set("biufc")


class EncodeError(Exception):
    """A value cannot be sent: too large, too deep, or not plain data."""


class DecodeError(Exception):
    """A message is malformed or over the size cap. Treat the sender as broken."""


class DeviceUnusable(DecodeError):
    """A well-formed tensor could not be placed on its device: in a child, CUDA failed (a
    device-side assert in the student's code leaves the context unusable, for one)."""


@dataclass(frozen=True)
class Opaque:
    """Stands in for an object that is not plain data (a student class, a tensor subclass...).

    It only carries the type's name, and it equals no other value: an object whose `__eq__`
    always returns True arrives here as an Opaque, which compares equal to nothing.
    """

    type_name: str
    note: str = ""

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self.type_name} object{' (' + self.note + ')' if self.note else ''}>"


@dataclass
class RemoteTensorInfo:
    """What the sandbox said about a tensor besides its values."""

    device: str
    requires_grad: bool
    is_leaf: bool
    is_parameter: bool
    same_as: str | None = None  # path of the argument tensor this is the very object of
    shares_storage_with: str | None = None  # path of an argument tensor it shares memory with
    grad: Any = None


class JudgeFunction:
    """A function written by the judge, sent into the sandbox as source text.

    `source` defines `name` at module level (`def f(x): ...`); it may use `torch`, `math` and
    its arguments, nothing else. In the sandbox the agent compiles it in a fresh namespace and
    passes the resulting Python function to the student's code; the judge may call the same
    object here (`f(x)`), compiled from the same text, to compute what it expects. Only ever
    built from text the judge itself wrote: never from anything the sandbox sent.
    """

    __slots__ = ("_compiled", "name", "source")

    def __init__(self, source: str, name: str = "f") -> None:
        if _type(source) is not str or len(source) > MAX_FUNCTION_SOURCE:
            raise ValueError("a judge function's source must be a string of reasonable size")
        if _type(name) is not str or not name.isidentifier():
            raise ValueError(f"{name!r} is not a Python identifier")
        self.source = source
        self.name = name
        self._compiled: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._compiled is None:
            self._compiled = build_function(self.source, self.name)
        return self._compiled(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<judge function {self.name}>"


def build_function(source: str, name: str) -> Any:
    """Compile a judge function's source in a fresh namespace holding `torch` and `math`, and
    return the function it defines. For source the judge wrote: the agent calls it on what the
    judge sent (code goes into the sandbox), the judge on its own `JudgeFunction`s."""
    namespace: dict[str, Any] = {"__name__": "judge_function", "torch": torch, "math": math}
    exec(compile(source, f"<judge function {name}>", "exec"), namespace)
    function = namespace.get(name)
    if not callable(function):
        raise ValueError(f"the judge function's source does not define {name}")
    return function


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------


class Encoder:
    """Turns a value into (header tree, blobs). One instance per message.

    `tensor_paths` maps id() of argument tensors to their path ("args[0]", "args[1][2]") so that
    a returned tensor can be reported as *being* an argument or sharing its storage; the objects
    are kept alive by the caller, so the ids stay valid.
    """

    def __init__(
        self,
        max_bytes: int = DEFAULT_MAX_BYTES,
        tensor_paths: dict[int, tuple[str, Any]] | None = None,
        functions: bool = True,
    ) -> None:
        self.max_bytes = max_bytes
        # The judge sends JudgeFunctions; the agent encodes its replies with functions=False,
        # so even a JudgeFunction built by student code leaves the sandbox as an Opaque.
        self.functions = functions
        self.blobs: list[bytes] = []
        self.size = 0
        self.items = 0
        self.tensor_paths = tensor_paths or {}
        self._storage_paths: dict[tuple[str, int], str] | None = None
        # A tensor met again in the same message (the arguments after a call are also sent as
        # "originals_after") is sent once; later mentions are {"$same": n}, n counting the
        # tensors in the order their encoding ends.
        self._tensors_sent: dict[int, tuple[Any, int]] = {}
        self._overrides_off = False

    @contextlib.contextmanager
    def overrides_off(self) -> Iterator[None]:
        """Torch function and dispatch modes off while tensors are read (entered once per
        message: each entry costs ~5 µs)."""
        if self._overrides_off:
            yield
            return
        with _no_overrides():
            self._overrides_off = True
            try:
                yield
            finally:
                self._overrides_off = False

    def add_blob(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise EncodeError(
                f"the value is larger than the {self.max_bytes // (1024 * 1024)} MiB limit"
            )
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode(self, value: Any, depth: int = 0) -> Any:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise EncodeError(f"the value has more than {MAX_ITEMS} items")
        if depth > MAX_DEPTH:
            raise EncodeError(f"the value is nested more than {MAX_DEPTH} levels deep")
        t = _type(value)
        if value is None or t is bool or t is str:
            if t is str:
                self.size += len(value)
                if self.size > self.max_bytes:
                    raise EncodeError("the value is too large")
            return value
        if t is int:
            return value if abs(value) < 2**63 else {"$bigint": str(value)}
        if t is float:
            return value if math.isfinite(value) else {"$float": repr(value)}
        if t is complex:
            return {"$complex": [self.encode(value.real), self.encode(value.imag)]}
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is tuple:
            return {"$tuple": [self.encode(v, depth + 1) for v in value]}
        if t.__module__ == "torch.return_types" and _isinstance(value, tuple):
            # values, indices = X.max(dim=1): a structseq, sent as a plain tuple
            return {"$tuple": [self.encode(v, depth + 1) for v in tuple.__iter__(value)]}
        if t is _Size:
            return {"$size": [int(v) for v in value]}
        if t is dict:
            return {
                "$dict": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ]
            }
        if t is set or t is frozenset:
            return {"$set": [self.encode(v, depth + 1) for v in value]}
        if t is bytes:
            return {"$bytes": self.add_blob(value)}
        if t is range:
            return {"$range": [value.start, value.stop, value.step]}
        if t is _dtype_type:
            return {"$dtype": _DTYPE_NAMES.get(value, str(value))}
        if t is _device_type:
            return {"$device": str(value)}
        if t is TENSOR_TYPE or t is PARAMETER_TYPE:
            return self.encode_tensor(value, depth)
        if t is _ndarray:
            return self.encode_ndarray(value)
        if t is JudgeFunction:
            return self.encode_function(value)
        if issubclass(t, np.generic):
            # numpy scalars (np.float32(1.5), np.bool_(True)) travel as 0-d arrays.
            return {"$npscalar": self.encode_ndarray(np.asarray(value))["$ndarray"]}
        frame = self.encode_pandas(value, depth)
        if frame is not None:
            return frame
        if _isinstance(value, TENSOR_TYPE):
            return {"$opaque": {"type": type_name(value), "note": "a torch.Tensor subclass"}}
        return {"$opaque": {"type": type_name(value), "note": ""}}

    def encode_function(self, function: JudgeFunction) -> dict[str, Any]:
        if not self.functions:
            return {"$opaque": {"type": "JudgeFunction", "note": "functions only go in"}}
        self.size += len(function.source)
        if self.size > self.max_bytes:
            raise EncodeError("the value is too large")
        return {"$function": {"source": function.source, "name": function.name}}

    def encode_tensor(self, tensor: torch.Tensor, depth: int) -> dict[str, Any]:
        sent = self._tensors_sent.get(id(tensor))
        if sent is not None and sent[0] is tensor:
            return {"$same": sent[1]}
        if self._overrides_off:
            info = self._tensor_info(tensor, depth)
        else:
            with self.overrides_off():
                info = self._tensor_info(tensor, depth)
        if info is None:
            dtype = _get_dtype(tensor)
            return {"$opaque": {"type": "torch.Tensor", "note": f"unsupported dtype {dtype}"}}
        self._tensors_sent[id(tensor)] = (tensor, len(self._tensors_sent))
        return {"$tensor": info}

    def _tensor_info(self, tensor: torch.Tensor, depth: int) -> dict[str, Any] | None:
        dtype_name = _DTYPE_NAMES.get(_get_dtype(tensor))
        if dtype_name is None:
            return None
        is_leaf = bool(_get_is_leaf(tensor))
        info: dict[str, Any] = {
            "dtype": dtype_name,
            "shape": [int(s) for s in _get_shape(tensor)],
            "device": "cpu" if _get_is_cpu(tensor) else str(_get_device(tensor)),
            "requires_grad": bool(_get_requires_grad(tensor)),
            "is_leaf": is_leaf,
            "parameter": _type(tensor) is PARAMETER_TYPE,
            "blob": self.add_blob(_tensor_bytes(tensor)),
        }
        origin = self.tensor_paths.get(id(tensor))
        if origin is not None and origin[1] is tensor:
            info["same_as"] = origin[0]
        shared = self._storage_origin(tensor)
        if shared is not None:
            info["shares_storage_with"] = shared
        grad = _get_grad(tensor) if is_leaf else None
        if grad is not None:
            info["grad"] = self.encode(grad, depth + 1) if _type(grad) is TENSOR_TYPE else None
        return info

    def _storage_origin(self, tensor: torch.Tensor) -> str | None:
        if not self.tensor_paths or _get_is_meta(tensor):
            return None  # every meta tensor has storage pointer 0: sharing means nothing there
        if self._storage_paths is None:
            self._storage_paths = {}
            for path, original in self.tensor_paths.values():
                try:
                    key = _storage_key(original)
                except Exception:
                    continue
                self._storage_paths.setdefault(key, path)
        try:
            return self._storage_paths.get(_storage_key(tensor))
        except Exception:
            return None

    def encode_ndarray(self, array: np.ndarray) -> dict[str, Any]:
        if array.dtype.kind not in _NUMPY_KINDS:
            return {
                "$opaque": {"type": "numpy.ndarray", "note": f"dtype {array.dtype} is not numeric"}
            }
        contiguous = np.ascontiguousarray(array)
        return {
            "$ndarray": {
                "dtype": contiguous.dtype.str,
                "shape": list(contiguous.shape),
                "blob": self.add_blob(contiguous.tobytes()),
            }
        }

    def encode_pandas(self, value: Any, depth: int) -> dict[str, Any] | None:
        module = type.__getattribute__(_type(value), "__module__")
        if _type(module) is not str or not module.startswith("pandas"):
            return None
        import pandas as pd

        if _type(value) is pd.DataFrame:
            columns = [self.encode(_plain_label(c), depth + 1) for c in value.columns]
            data = [self._encode_column(value.iloc[:, i], depth) for i in range(value.shape[1])]
            dtypes = [str(d) for d in value.dtypes]
            index = [self.encode(_plain_label(i), depth + 1) for i in value.index]
            return {
                "$dataframe": {"columns": columns, "dtypes": dtypes, "data": data, "index": index}
            }
        if _type(value) is pd.Series:
            return {
                "$series": {
                    "name": self.encode(_plain_label(value.name), depth + 1),
                    "dtype": str(value.dtype),
                    "data": self._encode_column(value, depth),
                    "index": [self.encode(_plain_label(i), depth + 1) for i in value.index],
                }
            }
        return None

    def _encode_column(self, column: Any, depth: int) -> Any:
        array = column.to_numpy()
        if _type(array) is _ndarray and array.dtype.kind in _NUMPY_KINDS:
            return self.encode_ndarray(array)
        return [self.encode(_plain_label(v), depth + 1) for v in array.tolist()]


def _plain_label(value: Any) -> Any:
    """Pandas labels and cells as plain Python values (numpy scalars, NA, strings)."""
    if _isinstance(value, np.generic):
        return value.item()
    if value is None or _type(value) in (str, int, float, bool):
        return value
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except Exception:
        pass
    return str(value)


def _tensor_bytes(tensor: torch.Tensor) -> bytes:
    """The values in C order, as raw bytes (none for a meta tensor: it has no data)."""
    if _get_is_meta(tensor):
        return b""
    detached = _detach(tensor)
    if _get_is_cpu(tensor):
        try:
            return _numpy(detached).tobytes()  # any strides: numpy copies in C order
        except (RuntimeError, TypeError):
            pass  # bfloat16, conjugate or negative views: the general path below
    # clone(contiguous_format), not contiguous(): a 1-element view with a stride counts as
    # contiguous but cannot be viewed as bytes.
    cpu = _clone(_to(detached, "cpu"), memory_format=torch.contiguous_format)
    return _numpy(_view(_reshape(cpu, (-1,)), torch.uint8)).tobytes() if cpu.numel() else b""


def _storage_key(tensor: torch.Tensor) -> tuple[str, int]:
    """Where a tensor's memory is. Called only under the encoder's `_no_overrides`."""
    device = "cpu" if _get_is_cpu(tensor) else str(_get_device(tensor))
    return (device, int(_untyped_storage(tensor).data_ptr()))


class _no_overrides:
    """Switch off __torch_function__ and __torch_dispatch__ modes a student may have entered."""

    def __enter__(self) -> None:
        self._guards = [_DisableTorchFunction()]
        if _DisableTorchDispatch is not None:
            self._guards.append(_DisableTorchDispatch())
        for guard in self._guards:
            guard.__enter__()

    def __exit__(self, *exc: object) -> None:
        for guard in reversed(self._guards):
            guard.__exit__(None, None, None)


def type_name(value: Any) -> str:
    try:
        t = _type(value)
        name = (
            f"{type.__getattribute__(t, '__module__')}.{type.__getattribute__(t, '__qualname__')}"
        )
        return name if _type(name) is str else "?"
    except Exception:
        return "?"


def pack(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    """One message as bytes (without the socket framing). Raises TypeError for what JSON cannot
    hold (the values are encoded first, so only a malformed header can)."""
    head = orjson.dumps(header)
    return b"".join([MAGIC, struct.pack("<I", len(head)), head, *blobs])


def encode_message(
    header: dict[str, Any],
    values: dict[str, Any],
    max_bytes: int = DEFAULT_MAX_BYTES,
    tensor_paths: dict[int, tuple[str, Any]] | None = None,
    functions: bool = True,
) -> bytes:
    """Encode `values` (a dict of named values) into the message whose header is `header`.
    With `functions=False` (the agent's replies) a JudgeFunction is sent as an Opaque."""
    encoder = Encoder(max_bytes=max_bytes, tensor_paths=tensor_paths, functions=functions)
    header = dict(header)
    with encoder.overrides_off():
        header["values"] = {name: encoder.encode(value) for name, value in values.items()}
    header["blob_sizes"] = [len(b) for b in encoder.blobs]
    return pack(header, encoder.blobs)


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------


@dataclass
class Message:
    header: dict[str, Any]
    values: dict[str, Any]


class Decoder:
    def __init__(
        self, blobs: list[memoryview], device_map: Any = None, functions: Any = None
    ) -> None:
        self.blobs = blobs
        # functions(source, name) -> callable: only the agent, decoding what the judge sent,
        # passes one. Without it (the judge, decoding the sandbox's replies) "$function" is
        # refused: the sandbox can never send code to be run.
        self.functions = functions
        self.tensors: list[torch.Tensor] = []  # in the order their decoding ends ("$same")
        # device_map(device_str) -> device to build the tensor on (the judge may lack CUDA).
        self.device_map = device_map or _default_device_map

    def blob(self, index: Any) -> memoryview:
        if _type(index) is not int or not 0 <= index < len(self.blobs):
            raise DecodeError(f"bad blob reference {index!r}")
        return self.blobs[index]

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH + 2:
            raise DecodeError("nesting too deep")
        t = _type(node)
        if node is None or t in (bool, int, float, str):
            return node
        if t is list:
            return [self.decode(v, depth + 1) for v in node]
        if t is not dict or len(node) != 1:
            raise DecodeError(f"unexpected node {str(node)[:80]!r}")
        ((tag, body),) = node.items()
        if tag == "$tuple":
            return tuple(self.decode(v, depth + 1) for v in _expect_list(body))
        if tag == "$dict":
            out = {}
            for pair in _expect_list(body):
                key, val = _expect_list(pair)
                key = self.decode(key, depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise DecodeError("unhashable dict key") from None
                out[key] = self.decode(val, depth + 1)
            return out
        if tag == "$set":
            try:
                return set(self.decode(v, depth + 1) for v in _expect_list(body))
            except TypeError:
                raise DecodeError("unhashable set item") from None
        if tag == "$size":
            return torch.Size([_expect_int(v) for v in _expect_list(body)])
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise DecodeError(f"bad float {body!r}")
            return float(body)
        if tag == "$bigint":
            if _type(body) is not str or len(body) > 4300:
                raise DecodeError("bad integer")
            return int(body)
        if tag == "$complex":
            re, im = _expect_list(body)
            re, im = self.decode(re, depth + 1), self.decode(im, depth + 1)
            if _type(re) not in (int, float) or _type(im) not in (int, float):
                raise DecodeError("bad complex number")
            return complex(re, im)
        if tag == "$bytes":
            return bytes(self.blob(body))
        if tag == "$range":
            start, stop, step = (_expect_int(v) for v in _expect_list(body))
            if step == 0:
                raise DecodeError("range step 0")
            return range(start, stop, step)
        if tag == "$dtype":
            if body not in DTYPES:
                return Opaque("torch.dtype", str(body)[:40])
            return DTYPES[body]
        if tag == "$device":
            return (
                torch.device(_expect_str(body)[:40])
                if _valid_device(body)
                else Opaque("torch.device")
            )
        if tag == "$tensor":
            tensor = self.decode_tensor(body, depth)
            self.tensors.append(tensor)
            return tensor
        if tag == "$same":
            if _type(body) is not int or not 0 <= body < len(self.tensors):
                raise DecodeError(f"bad tensor reference {body!r}")
            return self.tensors[body]
        if tag == "$ndarray":
            return self.decode_ndarray(body)
        if tag == "$npscalar":
            return self.decode_ndarray(body)[()]
        if tag == "$dataframe":
            return self.decode_dataframe(body, depth)
        if tag == "$series":
            return self.decode_series(body, depth)
        if tag == "$function":
            if self.functions is None:
                raise DecodeError("a function may be sent into the sandbox, never out of it")
            if _type(body) is not dict:
                raise DecodeError("bad function")
            source, name = body.get("source"), body.get("name")
            if _type(source) is not str or len(source) > MAX_FUNCTION_SOURCE:
                raise DecodeError("bad function source")
            if _type(name) is not str or not name.isidentifier():
                raise DecodeError("bad function name")
            return self.functions(source, name)
        if tag == "$opaque":
            body = body if _type(body) is dict else {}
            return Opaque(str(body.get("type", "?"))[:200], str(body.get("note", ""))[:200])
        raise DecodeError(f"unknown tag {tag!r}")

    def decode_tensor(self, body: Any, depth: int) -> torch.Tensor:
        if _type(body) is not dict:
            raise DecodeError("bad tensor")
        dtype = DTYPES.get(body.get("dtype"))
        if dtype is None:
            raise DecodeError(f"unknown dtype {body.get('dtype')!r}")
        shape = [_expect_int(s) for s in _expect_list(body.get("shape"))]
        if any(s < 0 for s in shape) or len(shape) > 64:
            raise DecodeError("bad shape")
        raw = self.blob(body.get("blob"))
        count = math.prod(shape)
        itemsize = dtype.itemsize
        device_str = _expect_str(body.get("device", "cpu"))
        if not _valid_device(device_str):
            raise DecodeError("bad device")
        if device_str == "meta":
            if raw:
                raise DecodeError("a meta tensor carries no data")
            tensor = torch.empty(shape, dtype=dtype, device="meta")
        elif len(raw) != count * itemsize:
            raise DecodeError("tensor byte count does not match its shape")
        elif count == 0:
            tensor = torch.empty(shape, dtype=dtype)
        else:
            tensor = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)
        target = self.device_map(device_str)
        if str(target) not in ("cpu", "meta"):
            try:
                tensor = tensor.to(target)
            except Exception as exc:  # said as it is, not as a "malformed message"
                message = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
                raise DeviceUnusable(
                    f"cannot place a tensor on {target}: {type(exc).__name__}: {message}"
                ) from None
        requires_grad = bool(body.get("requires_grad", False))
        if requires_grad and (dtype.is_floating_point or dtype.is_complex):
            tensor.requires_grad_(True)
        grad = body.get("grad")
        info = RemoteTensorInfo(
            device=device_str,
            requires_grad=requires_grad,
            is_leaf=bool(body.get("is_leaf", True)),
            is_parameter=bool(body.get("parameter", False)),
            same_as=_optional_str(body.get("same_as")),
            shares_storage_with=_optional_str(body.get("shares_storage_with")),
        )
        if grad is not None:
            decoded_grad = self.decode(grad, depth + 1)
            info.grad = decoded_grad
            if _type(decoded_grad) is torch.Tensor and decoded_grad.shape == tensor.shape:
                try:
                    tensor.grad = decoded_grad.to(tensor.dtype)
                except RuntimeError:
                    pass
        # The info travels with the tensor itself, for check helpers (remote_info()).
        tensor._remote_info = info  # type: ignore[attr-defined]
        return tensor

    def decode_ndarray(self, body: Any) -> np.ndarray:
        if _type(body) is not dict:
            raise DecodeError("bad array")
        dtype_str = _expect_str(body.get("dtype"))
        try:
            dtype = np.dtype(dtype_str)
        except TypeError:
            raise DecodeError(f"bad numpy dtype {dtype_str!r}") from None
        if dtype.kind not in _NUMPY_KINDS or dtype.hasobject:
            raise DecodeError(f"numpy dtype {dtype_str!r} is not allowed")
        shape = tuple(_expect_int(s) for s in _expect_list(body.get("shape")))
        raw = self.blob(body.get("blob"))
        if len(raw) != math.prod(shape) * dtype.itemsize:
            raise DecodeError("array byte count does not match its shape")
        return np.frombuffer(bytes(raw), dtype=dtype).reshape(shape).copy()

    def decode_dataframe(self, body: Any, depth: int) -> Any:
        """A real pandas DataFrame, built only from decoded plain columns."""
        import pandas as pd

        if _type(body) is not dict:
            raise DecodeError("bad dataframe")
        columns = [self.decode(c, depth + 1) for c in _expect_list(body.get("columns"))]
        dtypes = [_expect_str(d) for d in _expect_list(body.get("dtypes"))]
        data = [self.decode(c, depth + 1) for c in _expect_list(body.get("data"))]
        index = [self.decode(i, depth + 1) for i in _expect_list(body.get("index", []))]
        if not (len(columns) == len(dtypes) == len(data)):
            raise DecodeError("dataframe columns, dtypes and data differ in length")
        series = [
            _make_series(values, dtype, index) for values, dtype in zip(data, dtypes, strict=True)
        ]
        frame = pd.concat(series, axis=1) if series else pd.DataFrame(index=index or None)
        frame.columns = columns
        return frame

    def decode_series(self, body: Any, depth: int) -> Any:
        if _type(body) is not dict:
            raise DecodeError("bad series")
        index = [self.decode(i, depth + 1) for i in _expect_list(body.get("index", []))]
        series = _make_series(
            self.decode(body.get("data"), depth + 1), _expect_str(body.get("dtype")), index
        )
        series.name = self.decode(body.get("name"), depth + 1)
        return series


# dtypes a decoded pandas column may be given back (anything else stays as inferred).
_PANDAS_DTYPES = {
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "float32",
    "float64",
    "bool",
    "object",
    "str",
    "string",
    "category",
    "boolean",
    "Int64",
    "Float64",
}


def _make_series(values: Any, dtype: str, index: list[Any]) -> Any:
    import pandas as pd

    if _type(values) is not list and _type(values) is not _ndarray:
        raise DecodeError("bad column")
    if index and len(index) != len(values):
        raise DecodeError("column and index differ in length")
    series = pd.Series(values, index=index or None)
    if dtype in _PANDAS_DTYPES and str(series.dtype) != dtype:
        try:
            series = series.astype(dtype)
        except (TypeError, ValueError):
            pass
    return series


def _default_device_map(device: str) -> str:
    """Build tensors on the device they came from when this process has it, else on the CPU."""
    if device == "meta":
        return "meta"
    if device.startswith("cuda") and torch.cuda.is_available():
        return device
    return "cpu"


def _valid_device(text: Any) -> bool:
    if _type(text) is not str or len(text) > 20:
        return False
    kind, _, index = text.partition(":")
    return kind in ("cpu", "cuda", "mps", "meta") and (index == "" or index.isdigit())


def _expect_list(value: Any) -> list[Any]:
    if _type(value) is not list:
        raise DecodeError("expected a list")
    return value


def _expect_int(value: Any) -> int:
    if _type(value) is not int:
        raise DecodeError("expected an integer")
    return value


def _expect_str(value: Any) -> str:
    if _type(value) is not str:
        raise DecodeError("expected a string")
    return value


def _optional_str(value: Any) -> str | None:
    return value if _type(value) is str else None


def unpack(
    data: bytes | memoryview, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[dict[str, Any], list[memoryview]]:
    """Split a message into its header and blobs, checking sizes. Raises DecodeError."""
    if len(data) > max_bytes + 1024 * 1024:
        raise DecodeError("message over the size cap")
    view = memoryview(data)
    if bytes(view[:4]) != MAGIC or len(view) < 8:
        raise DecodeError("not a grader message")
    (head_len,) = struct.unpack("<I", view[4:8])
    if 8 + head_len > len(view):
        raise DecodeError("truncated header")
    try:
        header = orjson.loads(view[8 : 8 + head_len])  # refuses invalid UTF-8, NaN, depth > 1024
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"header is not JSON: {exc}") from None
    if _type(header) is not dict:
        raise DecodeError("header is not an object")
    sizes = header.get("blob_sizes", [])
    if _type(sizes) is not list or not all(_type(s) is int and s >= 0 for s in sizes):
        raise DecodeError("bad blob sizes")
    offset = 8 + head_len
    blobs = []
    for size in sizes:
        if offset + size > len(view):
            raise DecodeError("truncated blob")
        blobs.append(view[offset : offset + size])
        offset += size
    if offset != len(view):
        raise DecodeError("trailing bytes after the last blob")
    return header, blobs


def decode_message(
    data: bytes | memoryview,
    max_bytes: int = DEFAULT_MAX_BYTES,
    device_map: Any = None,
    functions: Any = None,
) -> Message:
    """Decode one message. Whatever the bytes, the only exception is DecodeError: a forged
    message from the sandbox must not be able to crash (or be mistaken for) the judge.

    `functions(source, name)` compiles a "$function" value; only the agent passes it (the
    judge's functions come in). Without it, the default, a message holding one is refused."""
    try:
        return _decode_message(data, max_bytes, device_map, functions)
    except DecodeError:
        raise
    except (Exception, MemoryError) as exc:  # RecursionError, OverflowError, torch errors...
        raise DecodeError(f"malformed message ({type(exc).__name__})") from None


def _decode_message(
    data: bytes | memoryview, max_bytes: int, device_map: Any, functions: Any
) -> Message:
    header, blobs = unpack(data, max_bytes)
    decoder = Decoder(blobs, device_map=device_map, functions=functions)
    raw_values = header.pop("values", {})
    if _type(raw_values) is not dict:
        raise DecodeError("values is not an object")
    values = {str(k): decoder.decode(v) for k, v in raw_values.items()}
    return Message(header=header, values=values)


def remote_info(tensor: Any) -> RemoteTensorInfo | None:
    """What the sandbox reported about a decoded tensor (device, grad, identity...)."""
    return getattr(tensor, "_remote_info", None)


def tensor_paths(args: tuple, kwargs: dict) -> dict[int, tuple[str, Any]]:
    """id -> (path, tensor) for every tensor inside the call's arguments."""
    found: dict[int, tuple[str, Any]] = {}

    def walk(value: Any, path: str, depth: int) -> None:
        if depth > 8:
            return
        if type(value) is TENSOR_TYPE or type(value) is PARAMETER_TYPE:
            found.setdefault(id(value), (path, value))
        elif type(value) in (list, tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]", depth + 1)
        elif type(value) is dict:
            for key, item in value.items():
                walk(item, f"{path}[{key!r}]", depth + 1)

    for i, arg in enumerate(args):
        walk(arg, f"args[{i}]", 0)
    for key, arg in kwargs.items():
        walk(arg, f"kwargs[{key!r}]", 0)
    return found
