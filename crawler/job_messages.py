"""Messages for a job file's problems: what a key allows, "did you mean" for unknown keys, one line per problem."""
from __future__ import annotations

import difflib
import json
import types
import typing
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, Union

import annotated_types
from pydantic import BaseModel, ValidationError

# --- describing what a key allows --------------------------------------------------------------------------
def _range(metadata: list[Any]) -> str:
    lo = hi = None
    lo_op = hi_op = ""
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            lo, lo_op = m.ge, ">="
        elif isinstance(m, annotated_types.Gt):
            lo, lo_op = m.gt, ">"
        elif isinstance(m, annotated_types.Le):
            hi, hi_op = m.le, "<="
        elif isinstance(m, annotated_types.Lt):
            hi, hi_op = m.lt, "<"

    def num(x):
        return f"{x:g}" if isinstance(x, float) else str(x)
    if lo is not None and hi is not None and lo_op == ">=" and hi_op == "<=":
        return f" within {num(lo)}..{num(hi)}"
    parts = [f"{op} {num(v)}" for op, v in ((lo_op, lo), (hi_op, hi)) if v is not None]
    return (" " + " and ".join(parts)) if parts else ""


def describe_type(annotation: Any, metadata: list[Any] | None = None) -> str:
    """What a value of this type looks like in a TOML file, e.g. "an integer >= 0"."""
    metadata = list(metadata or [])
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extra = typing.get_args(annotation)
        for m in extra:
            if getattr(m, "description", None):
                return m.description
        extra_meta = [x for m in extra for x in (getattr(m, "metadata", None) or [m])]
        return describe_type(base, metadata + extra_meta)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return describe_type(args[0], metadata) if len(args) == 1 else " or ".join(describe_type(a) for a in args)
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(v) for v in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return f"a list of {_plural(describe_type(item))}"
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "an integer" + _range(metadata)
    if annotation is float:
        return "a number" + _range(metadata)
    if annotation is str:
        return "a string"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a table"
    return "a value"


def _plural(text: str) -> str:
    for article in ("a ", "an "):
        if text.startswith(article):
            words = text[len(article):].split(" ", 1)
            return words[0] + "s" + (" " + words[1] if len(words) > 1 else "")
    return text


def _field_at(model: type[BaseModel], loc: tuple) -> tuple[Any, list[Any], str | None] | None:
    """The (annotation, metadata, description) of the field at `loc` (list indices step into the item type)."""
    annotation: Any = model
    metadata: list[Any] = []
    description = None
    for part in loc:
        while typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
        if typing.get_origin(annotation) in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
        if isinstance(part, int):
            if typing.get_origin(annotation) is not list:
                return None
            annotation, metadata, description = typing.get_args(annotation)[0], [], None
            continue
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if not is_model or part not in annotation.model_fields:
            return None
        info = annotation.model_fields[part]
        annotation, metadata, description = info.annotation, list(info.metadata), info.description
    return annotation, metadata, description


def allowed_at(model: type[BaseModel], loc: tuple) -> str:
    found = _field_at(model, loc)
    if found is None:
        return "a valid value"
    annotation, metadata, description = found
    return description or describe_type(annotation, metadata)


def shown(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table {" + ", ".join(str(k) for k in list(value)[:5]) + ("..." if len(value) > 5 else "") + "}"
    elif isinstance(value, (datetime, date, time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- unknown keys ------------------------------------------------------------------------------------------
def _tables(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    return {name: info.annotation for name, info in model.model_fields.items()
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)}


def _unknown(model: type[BaseModel], loc: tuple, value: Any) -> str:
    parent = _field_at(model, loc[:-1])
    parent_model = parent[0] if parent else model
    key = str(loc[-1])
    where = f"[{dotted(loc[:-1])}]" if loc[:-1] else "at the top level"
    fields = list(parent_model.model_fields) if isinstance(parent_model, type) else []
    tables = [n for n in fields if n in _tables(parent_model)]
    keys = [n for n in fields if n not in tables]
    elsewhere = {k: t for t, sub in _tables(model).items() for k in sub.model_fields if (t,) != loc[:-1]}
    if isinstance(value, dict):
        label = f"unknown table [{dotted(loc)}]"
        close = difflib.get_close_matches(key, tables, n=1)
        hint = f"did you mean [{dotted(loc[:-1] + (close[0],))}]?" if close else ""
    else:
        label = f"unknown key `{key}` {'in ' if loc[:-1] else ''}{where}"
        close = difflib.get_close_matches(key, keys, n=1)
        hint = f"did you mean `{close[0]}`?" if close else ""
        if not hint and key in elsewhere:
            hint = f"`{key}` belongs in [{elsewhere[key]}]"  # e.g. `depth = 3` above [follow]
        if not hint:
            close = difflib.get_close_matches(key, list(elsewhere), n=1)
            hint = f"did you mean `{close[0]}` in [{elsewhere[close[0]]}]?" if close else ""
    if not hint:
        allowed = [f"`{k}`" for k in keys] + [f"[{t}]" for t in tables]
        hint = "allowed: " + ", ".join(allowed) if allowed else "no keys are allowed here"
    return f"{label} ({hint})"


def format_errors(exc: ValidationError, model: type[BaseModel], source: str,
                  key_names: dict[str, str] | None = None) -> list[str]:
    """One line per pydantic error: `SOURCE: KEY: what is wrong`."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        value = err.get("input")
        kind = err["type"]
        if kind == "extra_forbidden":
            lines.append(f"{source}: {_unknown(model, loc, value)}")
            continue
        key = dotted(loc)
        if key_names and loc and isinstance(loc[0], str) and loc[0] in key_names:
            key = key_names[loc[0]] + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        if kind == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{source}: {key}: {message}")
            continue
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            example = ' (e.g. a line [seeds], then urls = ["http://..."] below it)' if key == "seeds" else ""
            lines.append(f"{source}: {key}: expected a table{example}, got {shown(value)}")
            continue
        allowed = allowed_at(model, loc)
        if isinstance(loc[-1], int) and kind.endswith("_type"):
            allowed = f"{allowed} (each entry of {dotted(loc[:-1])})"
        lines.append(f"{source}: {key}: expected {allowed}, got {shown(value)}")
    return lines
