"""The hand-written half of the clients: settings, results, files, sync and asyncio plumbing.
The operations themselves are generated from the catalogue (``_generated.py``)."""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
from typing import (
    IO,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    overload,
)

from .errors import InvalidArgumentError

FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
FileDest = Union[str, "os.PathLike[str]", IO[bytes]]

_Reply = Tuple[str, str, str, Optional[str], str, str, int]
"""What the native client answers: the body, the result, the declared fields normalised by core,
the result redacted (None when nothing in it is secret), request id, host, HTTP status."""


class Result:
    """The answer of a call: typed attributes for the declared fields (as core decoded them), plus

    - ``data``: the part of the body the operation declares as its result (Easemob ``data`` or
      ``entities``; the whole body for RongCloud), as plain JSON values;
    - ``raw``: the whole JSON body;
    - ``request_id``, ``host``, ``http_status``.

    Its repr shows ``data`` with the fields the catalogue declares secret (tokens …) as ``"***"``.
    """

    __slots__ = ("_fields", "_redacted", "data", "host", "http_status", "raw", "request_id")

    def __init__(
        self,
        data: Any,
        raw: Any,
        request_id: str,
        host: str,
        http_status: int,
        *,
        fields: Any = None,
        redacted: Any = None,
    ) -> None:
        self.data = data
        self.raw = raw
        self.request_id = request_id
        self.host = host
        self.http_status = http_status
        # the declared fields, normalised by core (a dict; a list of dicts for a list result)
        self._fields: Any = {} if fields is None else fields
        # data as printed: core's redacted result
        self._redacted: Any = data if redacted is None else redacted

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._redacted!r}, host={self.host!r})"


class Item:
    """One item of a list result: typed attributes (as core decoded them), and ``raw`` (the
    item's JSON). Its repr hides the fields the catalogue declares secret."""

    __slots__ = ("_fields", "_redacted", "raw")

    def __init__(self, raw: Any, *, fields: Any = None, redacted: Any = None) -> None:
        self.raw = raw
        self._fields: Any = {} if fields is None else fields
        self._redacted: Any = raw if redacted is None else redacted

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._redacted!r})"


ItemT = TypeVar("ItemT", bound=Item)


class ListResult(Result, Generic[ItemT]):
    """A result whose data is a list: iterate it, index it, or use ``items``."""

    __slots__ = ()
    _item: Type[Item] = Item

    def _at(self, i: int) -> ItemT:
        # core gives one normalised entry (and one redacted item) per item of a list result
        raw = self.data[i]
        fields = self._fields[i] if isinstance(self._fields, list) else None
        shown = self._redacted[i] if isinstance(self._redacted, list) else None
        return self._item(raw, fields=fields, redacted=shown)  # type: ignore[return-value]

    @property
    def items(self) -> List[ItemT]:
        return [self._at(i) for i in range(len(self))]

    def __iter__(self) -> Iterator[ItemT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.data) if isinstance(self.data, list) else 0

    @overload
    def __getitem__(self, key: int) -> ItemT: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: Union[int, str]) -> Any:
        if isinstance(key, int):
            return self._at(key)
        return super().__getitem__(key)


class DownloadResult:
    """A finished download: ``bytes`` written, ``content_type``, ``request_id``, ``host``, ``http_status``."""

    __slots__ = ("bytes", "content_type", "host", "http_status", "request_id")

    def __init__(self, request_id: str, host: str, http_status: int, nbytes: int, content_type: Optional[str]) -> None:
        self.request_id = request_id
        self.host = host
        self.http_status = http_status
        self.bytes = nbytes
        self.content_type = content_type

    def __repr__(self) -> str:
        return f"DownloadResult(bytes={self.bytes}, content_type={self.content_type!r}, host={self.host!r})"


R = TypeVar("R", bound=Result)


_INT_RANGE = (-(2**63), 2**64 - 1)  # what the native side reads as a JSON integer


def _bad_value(op: Optional[str], param: str, message: str) -> InvalidArgumentError:
    """The error core gives for bad input (``param: message``), for a value that cannot even be
    handed to core: it is not representable as JSON text."""
    text = f"{param}: {message}"
    return InvalidArgumentError(text, operation=op, param=param, message=f"{text} (operation={op})" if op else text)


def _text(op: Optional[str], param: str, value: str) -> str:
    """``value`` if it can be encoded as UTF-8 (the text core takes); a lone surrogate (from a
    bad decode, say) is bad input named after its parameter, not a UnicodeEncodeError."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise _bad_value(op, param, f"is not valid Unicode text ({e.reason} at index {e.start})") from None
    return value


def _check_json(op: Optional[str], path: str, value: Any, *, numbers: bool = True) -> None:
    """Refuse what cannot travel to core as JSON unchanged, naming where it is: lone surrogates,
    and with ``numbers`` NaN, infinities and integers beyond 64 bits."""
    if isinstance(value, str):
        _text(op, path, value)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if numbers and not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            raise _bad_value(op, path, f"is {value}; integers must fit in 64 bits ({_INT_RANGE[0]} to {_INT_RANGE[1]})")
    elif isinstance(value, float):
        if numbers and not math.isfinite(value):
            raise _bad_value(op, path, f"is {value}; NaN and infinities cannot be sent (they are not JSON numbers)")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                _text(op, path, k)
            _check_json(op, f"{path}.{k}", v, numbers=numbers)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_json(op, f"{path}[{i}]", v, numbers=numbers)


def _args_json(op: str, args: Mapping[str, Any]) -> str:
    if not isinstance(op, str):
        raise TypeError(f"the operation must be a str (a catalogue name such as 'user.get'), got {type(op).__name__}")
    if not isinstance(args, Mapping):
        raise TypeError(f"{op}: the arguments must be a mapping of parameter names to values, got {type(args).__name__}")
    _text(None, "operation", op)
    clean = {k: (list(v) if isinstance(v, tuple) else v) for k, v in args.items() if v is not None}
    for k, v in clean.items():
        _check_json(op, str(k), v)
    try:
        return json.dumps(clean, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"{op}: arguments must be JSON values ({e})", operation=op) from None


def _make(cls: Type[R], reply: _Reply) -> R:
    body, result, fields, redacted, request_id, host, status = reply
    data = json.loads(result)
    shown = data if redacted is None else json.loads(redacted)
    return cls(data, json.loads(body), request_id, host, status, fields=json.loads(fields), redacted=shown)


def _source(file: FileInput, filename: Optional[str]) -> Tuple[Any, Optional[str], Optional[int]]:
    """A path, bytes, or a binary file object — and its name and size when they can be known."""
    if filename is not None:
        _text(None, "filename", filename)
    if isinstance(file, (str, os.PathLike)):
        return os.fspath(file), filename, None
    if isinstance(file, memoryview):
        return bytes(file), filename or "file", None
    if isinstance(file, (bytes, bytearray)):
        return file, filename or "file", None
    if hasattr(file, "read"):
        name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "file"
        _text(None, "filename", name)
        size = None
        try:
            here = file.tell()
            end = file.seek(0, io.SEEK_END)
            file.seek(here)
            size = end - here
        except Exception:  # no size known (its reads may still work, or fail as IoError)
            size = None
        return file, name, size
    raise TypeError("file must be a path, bytes, or a binary file object")


def _dest(dest: FileDest) -> Any:
    if isinstance(dest, (str, os.PathLike)):
        return os.fspath(dest)
    if hasattr(dest, "write"):
        return dest
    raise TypeError("dest must be a path or a binary file object")


def _pairs(name: str, value: Any) -> List[Tuple[str, str]]:
    """(name, value) pairs of str from a mapping or a sequence of pairs; a clear TypeError for
    anything else (and a named error for text that is not valid Unicode)."""
    if value is None:
        return []
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(value, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{name} must be a mapping of str to str or a sequence of (str, str) pairs, got {type(value).__name__}")
    out: List[Tuple[str, str]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2 or not all(isinstance(x, str) for x in item):
            what = f"({', '.join(type(x).__name__ for x in item)})" if isinstance(item, (tuple, list)) else type(item).__name__
            raise TypeError(f"{name} must be a mapping of str to str or a sequence of (str, str) pairs; found an item of type {what}")
        out.append((_text(None, name, item[0]), _text(None, name, item[1])))
    return out


def _config(
    base: Dict[str, Any],
    region: Optional[str],
    hosts: Optional[Sequence[str]],
    options: Mapping[str, Any],
) -> str:
    cfg = dict(base)
    if region is not None:
        cfg["region"] = region
    if hosts is not None:
        # a single str is passed on as it is (core refuses it, naming ``hosts``), never split into characters
        cfg["hosts"] = hosts if isinstance(hosts, str) else list(hosts)
    cfg.update({k: v for k, v in options.items() if v is not None})
    return _config_json(cfg)


def _config_json(cfg: Mapping[str, Any]) -> str:
    """Settings as JSON for core, which checks every value and names the setting. NaN and the
    infinities have no JSON form: they go as the text "NaN" / "Infinity", which core refuses
    like any other non-number, naming the setting."""
    out: Dict[str, Any] = {}
    for k, v in cfg.items():
        if isinstance(k, str):
            _text(None, k, k)
        _check_json(None, str(k), v, numbers=False)
        if isinstance(v, float) and not math.isfinite(v):
            v = json.dumps(v)
        out[k] = v
    return json.dumps(out, ensure_ascii=False, allow_nan=False)


class _Client:
    _native: Any
    _results: Mapping[str, Type[Result]] = {}
    """The result class of each operation (generated): a generic ``call`` answers with the same
    typed result as the operation's method."""

    def _result_class(self, op: str) -> Type[Result]:
        return self._results.get(op, Result) if isinstance(op, str) else Result

    def __repr__(self) -> str:
        return f"{type(self).__name__}<{self._native!r}>"

    @property
    def hosts(self) -> List[str]:
        """The configured hosts, primary first."""
        return list(self._native.hosts())


class _SyncClient(_Client):
    """Blocking calls; the GIL is released while waiting, so threads run in parallel."""

    def call(self, operation: str, args: Optional[Mapping[str, Any]] = None) -> Result:
        """Call any catalogue operation by name with a mapping of its parameters (the typed
        methods are the usual way; this one is for generic code). The result is the operation's
        result class (a :class:`Result`)."""
        return self._call(operation, {} if args is None else args, self._result_class(operation))

    def _call(self, op: str, args: Mapping[str, Any], cls: Type[R]) -> R:
        return _make(cls, self._native.call(op, _args_json(op, args)))

    def _upload(self, op: str, args: Mapping[str, Any], file: FileInput, filename: Optional[str], cls: Type[R]) -> R:
        src, name, size = _source(file, filename)
        return _make(cls, self._native.upload(op, _args_json(op, args), src, name, size))

    def _download(self, op: str, args: Mapping[str, Any], dest: FileDest) -> DownloadResult:
        return DownloadResult(*self._native.download(op, _args_json(op, args), _dest(dest)))

    def pages(self, operation: str, args: Optional[Mapping[str, Any]] = None) -> Iterator[Result]:
        """Every page of a paged list operation by name, one call each (the typed ``…_pages``
        methods are the usual way)."""
        return self._pages(operation, {} if args is None else args, self._result_class(operation))

    def _pages(self, op: str, args: Mapping[str, Any], cls: Type[R]) -> Iterator[R]:
        a = _args_json(op, args)
        while True:
            page = self._call(op, json.loads(a), cls)
            yield page
            # core decides whether there is a next page, and with which arguments
            nxt = self._native.next_page(op, a, json.dumps(page.raw))
            if nxt is None:
                return
            a = nxt


def _settle(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class _AsyncClient(_Client):
    """Awaitable calls. Cancelling the awaiting task cancels the request."""

    async def call(self, operation: str, args: Optional[Mapping[str, Any]] = None) -> Result:
        """Call any catalogue operation by name with a mapping of its parameters. The result is
        the operation's result class (a :class:`Result`)."""
        return await self._call(operation, {} if args is None else args, self._result_class(operation))

    async def _await(self, start: Callable[[Callable[[bool, Any], None]], Any]) -> Any:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()

        def done(ok: bool, value: Any) -> None:
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, value)
            except RuntimeError:
                pass  # the loop is closed: nobody is waiting any more

        pending = start(done)
        try:
            return await fut
        except asyncio.CancelledError:
            pending.cancel()
            raise

    async def _call(self, op: str, args: Mapping[str, Any], cls: Type[R]) -> R:
        a = _args_json(op, args)
        return _make(cls, await self._await(lambda done: self._native.call_async(op, a, done)))

    async def _upload(self, op: str, args: Mapping[str, Any], file: FileInput, filename: Optional[str], cls: Type[R]) -> R:
        a = _args_json(op, args)
        src, name, size = _source(file, filename)
        reply = await self._await(lambda done: self._native.upload_async(op, a, src, done, name, size))
        return _make(cls, reply)

    async def _download(self, op: str, args: Mapping[str, Any], dest: FileDest) -> DownloadResult:
        a = _args_json(op, args)
        d = _dest(dest)
        return DownloadResult(*await self._await(lambda done: self._native.download_async(op, a, d, done)))

    def pages(self, operation: str, args: Optional[Mapping[str, Any]] = None) -> AsyncIterator[Result]:
        """Every page of a paged list operation by name, one call each (the typed ``…_pages``
        methods are the usual way): ``async for page in client.pages(...)``."""
        return self._pages(operation, {} if args is None else args, self._result_class(operation))

    async def _pages(self, op: str, args: Mapping[str, Any], cls: Type[R]) -> AsyncIterator[R]:
        a = _args_json(op, args)
        while True:
            page = await self._call(op, json.loads(a), cls)
            yield page
            # core decides whether there is a next page, and with which arguments
            nxt = self._native.next_page(op, a, json.dumps(page.raw))
            if nxt is None:
                return
            a = nxt
