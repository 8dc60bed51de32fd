"""The only importer of label_studio_sdk: a small client whose failures are annotate.errors types, never SDK ones."""
from __future__ import annotations

import contextlib
import json
import time
from datetime import datetime, timezone
from typing import Any, Iterator

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from annotate.errors import (ImportUncertain, StudioAuthError, StudioError, StudioRequestError,
                             StudioUnreachable)

NO_RETRY = {"max_retries": 0}
# a failed connection is certain (nothing reached the server); these leave a request's fate unknown
_UNCERTAIN = (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def _detail(exc: ApiError) -> str:
    body = exc.body
    if isinstance(body, dict):
        body = body.get("detail") or body.get("validation_errors") or body
    text = json.dumps(body, ensure_ascii=False, default=str) if not isinstance(body, str) else body
    return text[:300]


def dm_filter(column: str, operator: str, value: Any, kind: str = "String") -> dict:
    """One Data Manager filter item, e.g. dm_filter("data.doc_id", "equal", "ab12...")."""
    return {"filter": f"filter:tasks:{column}", "operator": operator, "type": kind, "value": value}


def dm_datetime(moment: datetime) -> str:
    # the export path parses exactly this format; anything else is logged and the filter silently dropped
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StudioClient:
    """One Label Studio server (local or remote; legacy token or personal access token)."""

    def __init__(self, url: str, api_key: str, timeout: float = 300.0) -> None:
        self.url = url.rstrip("/")
        self.last_import_seconds = 0.0
        with self._errors("connecting"):
            self._ls = LabelStudio(base_url=self.url, api_key=api_key, timeout=timeout)

    @classmethod
    def connect(cls, url: str, api_key: str, timeout: float = 300.0) -> "StudioClient":
        """A client whose server answered and accepted the token (raises StudioUnreachable / StudioAuthError)."""
        client = cls(url, api_key, timeout)
        client.whoami()
        return client

    @contextlib.contextmanager
    def _errors(self, what: str, uncertain: bool = False) -> Iterator[None]:
        try:
            yield
        except StudioError:
            raise
        except ApiError as exc:
            status = exc.status_code
            if status in (401, 403):
                raise StudioAuthError(f"Label Studio at {self.url} refused the API key while {what} "
                                      f"(HTTP {status}); check LABEL_STUDIO_API_KEY") from None
            if uncertain and (status is None or status >= 500):
                raise ImportUncertain(f"Label Studio at {self.url} failed while {what} (HTTP {status})") from None
            raise StudioRequestError(f"Label Studio at {self.url} answered HTTP {status} while {what}: "
                                     f"{_detail(exc)}", status) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached the server
            raise StudioUnreachable(f"Label Studio at {self.url} is unreachable while {what}: {exc}") from None
        except _UNCERTAIN as exc:
            cls = ImportUncertain if uncertain else StudioUnreachable
            raise cls(f"Label Studio at {self.url} stopped answering while {what}: "
                      f"{type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise StudioUnreachable(f"Label Studio at {self.url}: {type(exc).__name__} while {what}") from None
        except (ValueError, TypeError) as exc:  # HTML or other non-API answers fail to parse
            raise StudioRequestError(f"{self.url} did not answer like the Label Studio API while {what}: "
                                     f"{type(exc).__name__}") from None

    # -- users and projects ---------------------------------------------------------------------
    def whoami(self) -> dict:
        with self._errors("checking the API key"):
            user = self._ls.users.whoami(request_options=NO_RETRY)  # a down server fails fast
        return {"id": user.id, "email": user.email}

    def find_project(self, title: str) -> dict | None:
        with self._errors(f"looking up project {title!r}"):
            for project in self._ls.projects.list(title=title, page_size=100):
                if project.title == title:
                    return self._project_dict(project)
        return None

    def get_project(self, project_id: int) -> dict:
        with self._errors(f"reading project {project_id}"):
            return self._project_dict(self._ls.projects.get(id=project_id))

    @staticmethod
    def _project_dict(project: Any) -> dict:
        return {"id": project.id, "title": project.title, "label_config": project.label_config,
                "model_version": project.model_version, "task_number": project.task_number,
                "maximum_annotations": project.maximum_annotations,
                "overlap_cohort_percentage": project.overlap_cohort_percentage}

    def create_project(self, title: str, **settings: Any) -> dict:
        with self._errors(f"creating project {title!r}"):
            return self._project_dict(self._ls.projects.create(title=title, **settings))

    def update_project(self, project_id: int, **settings: Any) -> None:
        with self._errors(f"updating project {project_id}"):
            self._ls.projects.update(id=project_id, **settings)

    # -- tasks ----------------------------------------------------------------------------------
    def import_tasks(self, project_id: int, tasks: list[dict] | bytes, expected: int | None = None) -> list[int]:
        """Import tasks (a list, or its JSON encoding) in one call, never retried: a retry after a lost
        answer would duplicate them. Raises ImportUncertain when the server may or may not have stored them.

        Encoded JSON goes straight to the SDK's HTTP client (auth and token refresh included), skipping its
        per-item model conversion, which costs more than the server's import at 10k tasks.
        """
        payload = tasks if isinstance(tasks, bytes) else json.dumps(tasks, ensure_ascii=False).encode()
        count = expected if expected is not None else len(tasks)
        with self._errors(f"importing {count} tasks", uncertain=True):
            response = self._ls._client_wrapper.httpx_client.request(
                f"api/projects/{int(project_id)}/import", method="POST", params={"return_task_ids": True},
                content=payload, headers={"content-type": "application/json"}, request_options=NO_RETRY)
            if not 200 <= response.status_code < 300:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text[:300]
                raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=body)
            answer = response.json()
            ids = list(answer.get("task_ids") or [])
            self.last_import_seconds = float(answer.get("duration") or 0.0)  # the server's own time
        if len(ids) != count:
            raise ImportUncertain(f"import of {count} tasks returned {len(ids)} task ids")
        return ids

    def find_tasks(self, project_id: int, *filters: dict) -> list[tuple[int, dict]]:
        """(task id, data) of the tasks matching every Data Manager filter."""
        query = json.dumps({"filters": {"conjunction": "and", "items": list(filters)}})
        with self._errors("looking tasks up"):
            return [(t.id, t.data) for t in self._ls.tasks.list(project=project_id, fields="task_only",
                                                                   page_size=1000, query=query)]

    def task_count(self, project_id: int) -> int:
        return int(self.get_project(project_id)["task_number"] or 0)

    # -- exports --------------------------------------------------------------------------------
    def export_tasks(self, project_id: int, filters: list[dict] | None = None, conjunction: str = "and",
                     timeout: float = 600.0) -> tuple[list[dict], datetime]:
        """Tasks (with annotations and predictions) matching Data Manager filters, via a snapshot export.

        The filters go into a temporary view (deleted afterwards). Returns the tasks and the server time
        the snapshot started (the next pull's watermark).
        """
        view_id = None
        try:
            options: dict[str, Any] = {}
            if filters:
                with self._errors("creating the export filter"):
                    view = self._ls.views.create(project=project_id, data={
                        "title": "spamcorpus pull (temporary)",
                        "filters": {"conjunction": conjunction, "items": filters}})
                view_id = view.id
                options["view"] = view_id
            with self._errors("exporting annotations"):
                snapshot = self._ls.projects.exports.create(
                    id=project_id, title="spamcorpus pull",
                    serialization_options={"annotations__completed_by": {"only_id": False},
                                           "predictions": {"only_id": False},
                                           "include_annotation_history": False},
                    **({"task_filter_options": options} if options else {}))
                deadline = time.monotonic() + timeout
                while snapshot.status not in ("completed", "failed"):
                    if time.monotonic() > deadline:
                        raise StudioRequestError(f"export {snapshot.id} did not finish within {timeout:.0f} s")
                    time.sleep(0.2)
                    snapshot = self._ls.projects.exports.get(id=project_id, export_pk=snapshot.id)
                if snapshot.status == "failed":
                    raise StudioRequestError(f"export {snapshot.id} of project {project_id} failed on the server")
                raw = b"".join(self._ls.projects.exports.download(id=project_id, export_pk=snapshot.id,
                                                                    export_type="JSON"))
                started = snapshot.created_at
                with contextlib.suppress(ApiError, httpx.HTTPError):  # a leftover file is harmless
                    self._ls.projects.exports.delete(id=project_id, export_pk=snapshot.id)
            return json.loads(raw), started
        finally:
            if view_id is not None:
                with contextlib.suppress(ApiError, httpx.HTTPError):
                    self._ls.views.delete(id=view_id)

    # -- annotating (what an annotator's browser does; used by tests, benchmarks and the demo) --
    def create_annotation(self, task_id: int, result: list[dict], *, lead_time: float | None = None,
                          was_cancelled: bool = False, parent_prediction: int | None = None) -> int:
        extra: dict[str, Any] = {}
        if lead_time is not None:
            extra["lead_time"] = lead_time
        if parent_prediction is not None:
            extra["parent_prediction"] = parent_prediction
        with self._errors(f"annotating task {task_id}"):
            return self._ls.annotations.create(id=task_id, result=result, was_cancelled=was_cancelled,
                                               **extra).id

    def update_annotation(self, annotation_id: int, result: list[dict]) -> None:
        with self._errors(f"updating annotation {annotation_id}"):
            self._ls.annotations.update(id=annotation_id, result=result)

    def delete_annotation(self, annotation_id: int) -> None:
        with self._errors(f"deleting annotation {annotation_id}"):
            self._ls.annotations.delete(id=annotation_id)

    def predictions_to_annotations(self, project_id: int) -> None:
        """The Data Manager action that turns every task's prediction into an annotation by the caller."""
        with self._errors(f"converting predictions of project {project_id}"):
            self._ls.actions.create(id="predictions_to_annotations", project=project_id,
                                    selected_items={"all": True, "excluded": []})

    def task_predictions(self, task_id: int) -> list[dict]:
        with self._errors(f"reading task {task_id}"):
            task = self._ls.tasks.get(id=task_id)
        return [{"id": p.id, "result": p.result, "score": p.score, "model_version": p.model_version}
                for p in task.predictions or []]
