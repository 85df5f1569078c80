"""The pages of live sessions: my sessions, new session, the session page, simulations.

Views only: every decision (who may open, speak, see hidden details; what a session's state
is) is the session service's (:mod:`webapp.collab.sessions`). Each view checks the role on the
server; a session that is not the visitor's answers 404, the same as a missing one, so ids
cannot be probed. Agent and person text reaches the page escaped (Django's autoescape, or
``textContent`` in ``static/duet/session.js``); code is highlighted here, on the server, into
token spans whose classes ``static/duet/highlight.css`` colours (no inline style: the CSP has
no ``unsafe-inline``).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training.colbench import protocol
from webapp.collab.models import OWN_REQUEST_SOURCE, CollabSession, SimulatorBatch
from webapp.collab.sessions import SessionError, access, create_session, rate
from webapp.collab.sessions.episode import stored_turns, text_limit
from webapp.collab.sessions.messages import task_card
from webapp.collab.sessions.scoring import result_message
from webapp.ops.models import ModelVersion
from webapp.trajectories.models import Task

PAGE_SIZE = 20
FILTERS = {
    "status": [c for c, _ in CollabSession.Status.choices],
    "kind": ["backend", "frontend"],
    "mode": [c for c, _ in CollabSession.Mode.choices],
    "origin": ["human", "simulator"],
}

# -- role checks ----------


def _require_sessions(request) -> None:
    if not access.may_hold_sessions(request.user):
        raise PermissionDenied("only collaborators and admins hold sessions")


def _require_admin(request) -> None:
    if not access.is_admin(request.user):
        raise PermissionDenied("admins only")


def _open_session(request, session_id: int) -> CollabSession:
    session = get_object_or_404(
        CollabSession.objects.select_related("task", "owner", "trajectory"), pk=session_id
    )
    if not access.can_open(request.user, session):
        raise Http404("no such session")
    return session


# -- highlighting ----------

_FENCE = re.compile(r"```([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def _token_class(ttype) -> str:
    from pygments.token import STANDARD_TYPES

    while ttype is not None and ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES.get(ttype, "") if ttype is not None else ""


def _tokens(code: str, language: str) -> list[list[str]]:
    """``[[css_class, text], ...]`` for a code block; plain text if pygments is missing."""
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:  # pragma: no cover - pygments is a pinned dependency
        return [["", code]]
    try:
        lexer = get_lexer_by_name(language or "python", stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = get_lexer_by_name("text", stripnl=False, ensurenl=False)
    out: list[list[str]] = []
    for ttype, text in lexer.get_tokens(code):
        css = _token_class(ttype)
        if out and out[-1][0] == css:
            out[-1][1] += text
        else:
            out.append([css, text])
    return out


def segments(content: str, kind: str) -> list[dict]:
    """A turn's text cut into prose and code blocks (fenced blocks, the code after the answer
    marker, the page after ``OUTPUT:``), each code block as highlighted tokens."""
    parts: list[dict] = []
    position = 0
    for match in _FENCE.finditer(content):
        if match.start() > position:
            parts.extend(_prose_and_tail(content[position : match.start()], kind))
        language = match.group(1) or ("html" if kind == "frontend" else "python")
        parts.append({"kind": "code", "language": language,
                      "tokens": _tokens(match.group(2), language)})  # fmt: skip
        position = match.end()
    if position < len(content):
        parts.extend(_prose_and_tail(content[position:], kind))
    return [p for p in parts if p["kind"] == "code" or p["text"].strip()]


def _prose_and_tail(text: str, kind: str) -> list[dict]:
    """Prose, with an unfenced answer (backend) or page (frontend) after its marker as code."""
    marker = protocol.ANSWER_MARKER if kind == "backend" else protocol.OUTPUT_MARKER
    at = text.find(marker)
    if at < 0:
        return [{"kind": "text", "text": text}]
    head, tail = text[: at + len(marker)], text[at + len(marker) :]
    language = "python" if kind == "backend" else "html"
    out = [{"kind": "text", "text": head}]
    if tail.strip():
        out.append({"kind": "code", "language": language,
                    "tokens": _tokens(tail.strip("\n"), language)})  # fmt: skip
    return out


# -- results ----------


def result_summary(session: CollabSession) -> dict | None:
    """What the result line says: tests passed x/N, or similarity with its metric named."""
    if session.status != CollabSession.Status.FINISHED:
        return None
    result = result_message(session)
    details = result.get("details") or {}
    summary = {"metric": result.get("metric") or "", "ended_by": details.get("ended_by", "")}
    if session.mode == CollabSession.Mode.OWN_REQUEST:
        summary["headline"] = (
            f"Rated {session.rating}/5" if session.rating else "Waiting for your rating"
        )
        summary["short"] = f"{session.rating}/5" if session.rating else "not rated"
    elif "tests_passed" in details:
        summary["headline"] = f"Tests passed {details['tests_passed']}/{details['tests_total']}"
        summary["short"] = f"{details['tests_passed']}/{details['tests_total']} tests"
        summary["success"] = bool(details.get("success"))
    elif result.get("reward") is not None:
        summary["headline"] = f"Similarity {result['reward']:.3f}"
        summary["short"] = f"{result['reward']:.2f} similarity"
    else:
        summary["headline"] = summary["short"] = "No result"
    return summary


# -- lists ----------


def _filtered(request, queryset, names):
    chosen = {}
    for name in names:
        value = request.GET.get(name, "")
        if value in FILTERS[name]:
            chosen[name] = value
    if "status" in chosen:
        queryset = queryset.filter(status=chosen["status"])
    if "kind" in chosen:
        queryset = queryset.filter(kind=chosen["kind"])
    if "mode" in chosen:
        queryset = queryset.filter(mode=chosen["mode"])
    if "origin" in chosen:
        queryset = queryset.filter(is_simulator=chosen["origin"] == "simulator")
    return queryset, chosen


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _rows(page) -> list[dict]:
    return [{"session": s, "result": result_summary(s)} for s in page.object_list]


def _list_context(request, queryset, names, **extra):
    queryset, chosen = _filtered(request, queryset, names)
    page = _page(request, queryset.select_related("task", "owner"))
    return {
        "page": page,
        "rows": _rows(page),
        "chosen": chosen,
        "filters": {name: FILTERS[name] for name in names},
        "query": urlencode(chosen),
        **extra,
    }


@login_required
@require_GET
def my_sessions(request):
    _require_sessions(request)
    queryset = CollabSession.objects.filter(owner=request.user, is_simulator=False)
    context = _list_context(request, queryset, ["status", "kind", "mode"])
    return render(request, "collab/sessions.html", context)


@login_required
@require_GET
def all_sessions(request):
    _require_admin(request)
    queryset = CollabSession.objects.all()
    batch = request.GET.get("batch", "")
    if batch.isdigit():
        queryset = queryset.filter(batch_id=int(batch))
    context = _list_context(request, queryset, ["status", "kind", "mode", "origin"],
                            batch=batch if batch.isdigit() else "")  # fmt: skip
    if context["batch"]:
        context["query"] = "&".join(q for q in (context["query"], f"batch={batch}") if q)
        # a batch still running: the page refreshes itself so its episodes can be followed
        context["live"] = queryset.exclude(status=CollabSession.Status.FINISHED).exists()
    return render(request, "collab/all_sessions.html", context)


# -- new session ----------


def _task_choices() -> dict[str, list[Task]]:
    tasks = (
        Task.objects.exclude(source=OWN_REQUEST_SOURCE)
        .filter(split="train")
        .only("id", "kind", "problem_description")
        .order_by("kind", "id")
    )
    out: dict[str, list[Task]] = {"backend": [], "frontend": []}
    for task in tasks:
        out.setdefault(task.kind, []).append(task)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def new_session(request):
    _require_sessions(request)
    values = {"kind": "backend", "mode": "play_task", "task": "", "request_text": ""}
    error = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in values})
        task_id = values["task"] or None
        if task_id and values["mode"] == "play_task":
            task = Task.objects.filter(pk=task_id).exclude(source=OWN_REQUEST_SOURCE).first()
            if task is not None:
                values["kind"] = task.kind  # a chosen task decides the kind
        try:
            session = create_session(
                request.user, mode=values["mode"], kind=values["kind"],
                task_id=task_id if values["mode"] == "play_task" else None,
                request_text=values["request_text"] if values["mode"] == "own_request" else None,
                split="train",
            )  # fmt: skip
        except SessionError as exc:
            error = exc.message
        else:
            return redirect("collab:session", session_id=session.pk)
    return render(
        request,
        "collab/new_session.html",
        {
            "values": values,
            "error": error,
            "tasks": _task_choices(),
            "limit": text_limit_for_request(),
        },
        status=400 if error else 200,
    )


def text_limit_for_request() -> int:
    from django.conf import settings

    return settings.DUET_COLLAB["MAX_TEXT_CHARS"]


# -- the session page ----------


def _transcript(session: CollabSession) -> list[dict]:
    from webapp.collab.models import TurnRender
    from webapp.collab.sessions import renders

    turns = stored_turns(session)
    by_turn = {r.turn_id: r for r in TurnRender.objects.filter(turn__in=[t.pk for t in turns])}
    out = []
    for turn in turns:
        render_row = by_turn.get(turn.pk)
        out.append({
            "turn": turn,
            "segments": segments(turn.content, session.kind) if turn.role == "assistant"
            else [{"kind": "text", "text": turn.content}],
            "image_url": renders.turn_image_url(session.pk, turn.index)
            if render_row is not None and render_row.image else None,
            "render_error": render_row.error if render_row is not None else "",
        })  # fmt: skip
    return out


@login_required
@require_GET
def session_page(request, session_id: int):
    session = _open_session(request, session_id)
    card = task_card(session, request.user)
    transcript = _transcript(session)
    hidden = card.get("hidden") or {}
    context = {
        "session": session,
        "card": card,
        "hidden": hidden,
        "hidden_code": _tokens(hidden["ground_truth"], "python")
        if hidden.get("ground_truth")
        else None,
        "hidden_tests": len(hidden.get("test_cases") or {}),
        "transcript": transcript,
        "last_index": transcript[-1]["turn"].index if transcript else -1,
        "read_only": not access.can_say(request.user, session),
        "watching": session.owner_id != request.user.id,
        "text_limit": text_limit(session),
        "result": result_summary(session),
        "agent_turns": sum(1 for t in transcript if t["turn"].role == "assistant"),
        "ws_path": f"/ws/sessions/{session.pk}/",
    }
    return render(request, "collab/session.html", context)


@login_required
@require_GET
def turn_segments(request, session_id: int, index: int):
    """A stored turn's text as highlighted segments (the session page's module asks for it once
    an agent turn is stored, and builds the spans with ``textContent``)."""
    session = _open_session(request, session_id)
    turn = next((t for t in stored_turns(session) if t.index == index), None)
    if turn is None:
        raise Http404("no such turn")
    parts = (
        segments(turn.content, session.kind)
        if turn.role == "assistant"
        else [{"kind": "text", "text": turn.content}]
    )
    response = JsonResponse({"index": index, "segments": parts})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def rate_session(request, session_id: int):
    session = _open_session(request, session_id)
    raw = request.POST.get("rating", "")
    needed = request.POST.get("did_what_i_needed", "")
    try:
        rating = int(raw)
    except ValueError:
        rating = None
    try:
        rate(session.pk, request.user, rating,
             {"yes": True, "no": False}.get(needed))  # fmt: skip
    except SessionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thank you: your rating is saved.")
    return redirect("collab:session", session_id=session.pk)


# -- simulations ----------


@login_required
@require_http_methods(["GET", "POST"])
def simulations(request):
    _require_admin(request)
    from webapp.collab.sessions import simulation

    values = {"source": "split", "kind": "backend", "split": "test", "task_ids": "",
              "limit": "5", "k": "1", "simulator": "oracle", "version": "",
              "max_agent_turns": "10"}  # fmt: skip
    error = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in values})
        try:
            limit = int(values["limit"]) if values["limit"] else None
            k = int(values["k"] or "1")
            turns = int(values["max_agent_turns"] or "10")
        except ValueError:
            error = "N, k and the turn limit are whole numbers."
        else:
            version = None
            if values["version"]:
                version = ModelVersion.objects.filter(pk=values["version"]).first()
                if version is None:
                    error = "No such model version."
            task_ids = [t for t in re.split(r"[\s,]+", values["task_ids"]) if t]
            if error is None and not 1 <= turns <= 10:
                error = "The turn limit is between 1 and 10."
            if error is None and ((limit is not None and not 1 <= limit <= 200) or not 1 <= k <= 8):
                error = "N is between 1 and 200 and k between 1 and 8."
            if error is None:
                try:
                    batch = simulation.start_batch(
                        request.user,
                        task_ids=task_ids if values["source"] == "tasks" else None,
                        kind=values["kind"] if values["kind"] in FILTERS["kind"] else "backend",
                        split=values["split"] or "test", limit=limit, k=k,
                        simulator_spec=values["simulator"] or "oracle", version=version,
                        max_agent_turns=turns,
                    )  # fmt: skip
                except SessionError as exc:
                    error = exc.message
                else:
                    count = batch.sessions.count()
                    messages.success(
                        request,
                        f"Started batch {batch.pk}: {count} episode{'s' if count != 1 else ''}.",
                    )
                    return redirect(reverse("collab:all-sessions") + f"?batch={batch.pk}")
    batches = SimulatorBatch.objects.select_related("created_by").order_by("-created_at")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for batch in page.object_list:
        sessions = list(batch.sessions.all())
        done = [s for s in sessions if s.status == CollabSession.Status.FINISHED]
        rewards = [s.reward for s in done if s.reward is not None]
        rows.append({
            "batch": batch, "total": len(sessions), "done": len(done),
            "mean_reward": sum(rewards) / len(rewards) if rewards else None,
        })  # fmt: skip
    return render(
        request,
        "collab/simulations.html",
        {
            "values": values,
            "error": error,
            "page": page,
            "rows": rows,
            "versions": ModelVersion.objects.order_by("-created_at"),
            "splits": sorted(
                set(Task.objects.exclude(source=OWN_REQUEST_SOURCE).values_list("split", flat=True))
            ),
        },
        status=400 if error else 200,
    )


def navigation(request) -> dict:
    """Template context processor: which navigation entries this person's role shows."""
    user = getattr(request, "user", None)
    return {
        "nav_sessions": access.may_hold_sessions(user),
        "nav_admin": access.is_admin(user),
    }
