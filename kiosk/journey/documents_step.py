"""Paper documents on an attachment question: pages scanned one at a time on the kiosk's document scanner
(kiosk.documents.DocumentCapture: page finding, perspective correction, blur and glare checks), each shown, any one
retaken or removed, and the whole made into one PDF for the form when the citizen taps "done".

Taps on the question: "scan" adds a page (a refused one is not kept: its hint is shown and said, e.g. "blurred, hold
it still"), "retake:<i>" scans page i again, "remove:<i>" drops it, "done" finishes the document into the form
(too large: the hint says to remove a page). Both sides of a card are two pages. The pages live in memory only, in
the capture registered with the session (`Session.add_scan`), so a removed card or an inactivity timeout wipes
them. A kiosk without a scanner keeps the camera snapshot (kiosk.journey.service_steps.scan).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from devices.scanner.scanner import ScannerError
from kiosk.catalogue.model import FieldSpec
from kiosk.documents import DocumentAttachment, DocumentError, capture_for
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.flows import PagesFlow
from kiosk.journey.views import ChoiceView, LineView, Prompt, ScreenView

log = logging.getLogger(__name__)

TAPS = ("scan", "done")
PAGE_TAPS = ("retake:", "remove:")


def uses_scanner(ctx: VisitContext, spec: FieldSpec) -> bool:
    return spec.type == "attachment" and ctx.parts.scanner is not None


def flow_for(ctx: VisitContext, key: str) -> PagesFlow:
    """The pages of this document, kept for the whole visit (back from the review shows them again)."""
    flow = ctx.state.documents.get(key)
    if flow is None:
        assert ctx.parts.scanner is not None and ctx.state.service is not None
        capture = capture_for(ctx.parts.scanner, ctx.state.service, key,
                              jpeg_quality=ctx.parts.config.scanner.jpeg_quality)
        ctx.session.add_scan(capture)
        flow = PagesFlow(key, capture)
        ctx.state.documents[key] = flow
    return flow


def handles(target: str) -> bool:
    return target in TAPS or target.startswith(PAGE_TAPS)


def tap(ctx: VisitContext, spec: FieldSpec, target: str, answer: Callable[[VisitContext, str, object], None]) -> None:
    """A tap on an attachment question; "done" answers the question through `answer` (the caller's, which moves on),
    every other stays on it."""
    flow = flow_for(ctx, spec.key)
    if target == "done":
        attachment = finish(flow)
        if attachment is not None:
            answer(ctx, spec.key, attachment.form_value())
        return
    page_tap(flow, target)


def page_tap(flow: PagesFlow, target: str) -> None:
    """"scan", "retake:<i>" or "remove:<i>" on a capture; a refusal or a scanner fault becomes the flow's hint."""
    capture = flow.capture
    flow.hint_key, flow.hint_params = "", {}
    try:
        if target == "scan":
            result = capture.add_page()
            flow.hint_key, flow.hint_params = result.hint_key, dict(result.hint_params)
            return
        index = _index(target)
        if not target.startswith(PAGE_TAPS) or index is None or not 0 <= index < capture.page_count:
            return
        if target.startswith("retake:"):
            result = capture.retake(index)
            flow.hint_key, flow.hint_params = result.hint_key, dict(result.hint_params)
        else:
            capture.remove(index)
    except ScannerError as exc:
        log.warning("document scanner: %s", exc.message_key)
        flow.hint_key = exc.message_key


def finish(flow: PagesFlow) -> DocumentAttachment | None:
    """The pages as one PDF, or None with the hint set (no page yet, too large)."""
    flow.hint_key, flow.hint_params = "", {}
    try:
        return flow.capture.finish()
    except DocumentError as exc:
        flow.hint_key, flow.hint_params = exc.message_key, dict(exc.message_params)
        return None


def page_choices(ctx: VisitContext, flow: PagesFlow, finish_id: str, finish_key: str) -> list[ChoiceView]:
    """Scan (again), finish, and retake / remove for each page shown."""
    capture = flow.capture
    count = capture.page_count
    choices: list[ChoiceView] = []
    if count < capture.max_pages:
        choices.append(ctx.choice("scan", "documents.scan" if count == 0 else "documents.scan_more",
                                  "primary" if count == 0 else "secondary"))
    if count:
        choices.append(ctx.choice(finish_id, finish_key, "primary"))
    for i in range(count):
        choices += [ctx.choice(f"retake:{i}", "documents.retake", "secondary", n=i + 1),
                    ctx.choice(f"remove:{i}", "documents.remove", "secondary", n=i + 1)]
    return choices


def page_prompts(ctx: VisitContext, flow: PagesFlow) -> list[Prompt]:
    count = flow.capture.page_count
    if flow.hint_key:
        return [ctx.prompt(flow.hint_key, **flow.hint_params)]
    if count:
        return [ctx.prompt("documents.page_added", count=count)]
    return [ctx.prompt("documents.scan_say")]


def _index(target: str) -> int | None:
    number = target.partition(":")[2]
    return int(number) if number.isdigit() else None


def page_count(ctx: VisitContext, key: str, stored: int) -> int:
    """Pages of a finished document for the receipt (the form holds one PDF of them all)."""
    flow = ctx.state.documents.get(key)
    return flow.capture.page_count if flow is not None and flow.capture.page_count else stored


def question(ctx: VisitContext, base: ScreenView, spec: FieldSpec) -> ScreenView:
    """The attachment question: the pages so far (`pages`, PNG each), scan / retake / remove, and done."""
    flow = flow_for(ctx, spec.key)
    capture = flow.capture
    label = ctx.label(spec)
    count = capture.page_count
    choices = page_choices(ctx, flow, "done", "documents.done")
    if not spec.required:
        choices.append(ctx.choice("skip", "journey.skip", "secondary"))
    lang = ctx.tr.language
    lines = [LineView("", spec.help.get(lang), "info")] if spec.help else []
    if count:
        lines.append(LineView(ctx.t("documents.pages_label"), ctx.t("documents.pages_count", count=count,
                                                                     limit=capture.max_pages), "info"))
    prompts = [ctx.prompt("journey.ask", label=label)] if not count and not flow.hint_key else []
    hint = flow.hint_key
    error = hint or base.error_key
    return replace_view(base, title=label, title_key="journey.question", lines=tuple(lines),
                        choices=(*choices, *ctx.nav()), prompts=(*prompts, *page_prompts(ctx, flow)),
                        error_key=error, error=ctx.t(hint, **flow.hint_params) if hint else base.error,
                        pages=tuple(capture.previews()))


__all__ = ["finish", "flow_for", "handles", "page_choices", "page_count", "page_prompts", "page_tap", "question",
           "tap", "uses_scanner"]
