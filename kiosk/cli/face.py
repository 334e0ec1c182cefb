"""CLI group `face`: run the face check against a reference photo, take a diagnostic snapshot, read a QR code.

    kiosk face verify --reference IMAGE [--camera N | --video FILE] [--json]
    kiosk face snapshot OUT [--camera N]
    kiosk face qr [--camera N | --image FILE] [--json]

`verify` always runs the real check (dlib landmarks, SFace embedding), even on a kiosk set up for the demo: it is
the technician's tool for trying the camera and the thresholds. Without --camera or --video it uses the configured
camera. A video is played once, and its own timeline (frame number ÷ rate) drives the liveness time limits.
Exit codes of `verify`: 0 match, 1 no match / liveness failed / needs assistance, 2 usage, 3 camera or face
unreadable. `qr` exits 0 when a code was read, 1 when none was found, 3 when the camera fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from devices.camera.camera import Camera, CameraError
from devices.camera.opencv import OpenCvCamera
from devices.camera.simulated import SimulatedCamera
from devices.card.identity import FacePhoto
from devices.face.errors import FaceCheckError
from devices.face.verifier import FaceDecision, FaceVerificationResult
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.config import KioskConfig

EXIT_UNREADABLE = 3
SETTLE_S = 10.0  # beyond the challenges' own limits: time to step up to the camera


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    face = sub.add_parser("face", help="face check, camera and QR tools")
    fsub = face.add_subparsers(dest="face_command", metavar="ACTION", required=True)

    p = fsub.add_parser("verify", help="check the face in front of the camera (or in a video) against a photo")
    p.add_argument("--reference", type=Path, required=True, help="the reference portrait (JPEG, JPEG 2000, PNG)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--camera", help="OpenCV camera index or stream URL")
    source.add_argument("--video", type=Path, help="a recorded video (or image folder) played once")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_verify)

    p = fsub.add_parser("snapshot", help="write one camera frame to a file, for diagnosis")
    p.add_argument("out", type=Path, help="image file to write (.png or .jpg)")
    p.add_argument("--camera", help="OpenCV camera index or stream URL (default: the configured camera)")
    p.set_defaults(handler=_snapshot)

    p = fsub.add_parser("qr", help="read a QR code from the camera or from an image")
    qsource = p.add_mutually_exclusive_group()
    qsource.add_argument("--camera", help="OpenCV camera index or stream URL")
    qsource.add_argument("--image", type=Path, help="an image file")
    p.add_argument("--seconds", type=float, default=15.0, help="how long to look for a code on the camera")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_qr)


def _open_camera(config: KioskConfig, camera: str | None, video: Path | None) -> tuple[Camera, bool]:
    """The camera to use and whether its frames carry a recorded timeline (True for videos)."""
    c = config.camera
    if video is not None:
        return SimulatedCamera(video, c.width, c.height, c.fps, loop=False, realtime=False, use_source_fps=True), True
    if camera is not None or c.backend == "opencv":
        return OpenCvCamera(camera if camera is not None else c.device, c.width, c.height, c.fps), False
    if c.video is None:
        raise CameraError("no camera configured (camera.backend is simulated and camera.video is empty)")
    return SimulatedCamera(c.video, c.width, c.height, c.fps, loop=False, realtime=False), True


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    from devices.face.dlib_verifier import DlibFaceVerifier, analyzer_for
    from devices.face.settings import FaceSettings

    if not args.reference.is_file():
        print(f"reference image not found: {args.reference}", file=sys.stderr)
        return EXIT_USAGE
    if args.video is not None and not args.video.exists():
        print(f"video not found: {args.video}", file=sys.stderr)
        return EXIT_USAGE
    settings = FaceSettings.from_mapping(dataclasses.asdict(ctx.config.face))
    verifier = DlibFaceVerifier(analyzer_for(settings), settings)
    data = args.reference.read_bytes()
    j2k = args.reference.suffix.lower() in (".jp2", ".j2k", ".jpf")
    try:
        verifier.set_reference(FacePhoto("jpeg2000" if j2k else "jpeg", 0, 0, data))
        camera, recorded = _open_camera(ctx.config, args.camera, args.video)
        camera.start()
    except FaceCheckError as exc:
        ctx.warn(exc.message_key)
        return EXIT_UNREADABLE
    except CameraError as exc:
        ctx.warn(exc.message_key)
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    started = time.monotonic()
    limit_s = settings.max_attempts * (settings.challenge_timeout_s + 2.0) + SETTLE_S
    frames = 0
    last_said: str | None = None
    try:
        while True:
            try:
                frame = camera.read()
            except CameraError as exc:
                if frames == 0:
                    ctx.warn(exc.message_key)
                    return EXIT_UNREADABLE
                break  # the recording ended before a decision
            at = frames / camera.fps if recorded else None
            frames += 1
            feedback = verifier.process(frame, at=at)
            said = feedback.hint_key or feedback.challenge_key
            if not args.json and said and said != last_said:
                ctx.warn(said)
                last_said = said
            if feedback.done or (not recorded and time.monotonic() - started > limit_s):
                break
    finally:
        camera.stop()
    result = verifier.result()
    verifier.wipe()
    wall_ms = round((time.monotonic() - started) * 1000)
    _report(ctx, result, wall_ms, args.json)
    return EXIT_OK if result.decision is FaceDecision.MATCH else EXIT_FAILURE


def _report(ctx: CliContext, result: FaceVerificationResult, wall_ms: int, as_json: bool) -> None:
    live = result.liveness
    if as_json:
        ctx.emit_json({
            "decision": result.decision.value,
            "score": None if result.score is None else round(result.score, 4),
            "threshold": result.threshold,
            "liveness": {
                "passed": live.passed,
                "challenges": [c.value for c in live.challenges],
                "challenges_passed": live.challenges_passed,
                "failed_attempts": live.failed_attempts,
                "static_suspected": live.static_suspected,
                "flat_motion_seen": live.flat_motion_seen,
                "depth_seen": live.depth_seen,
            },
            "pad": _pad_report(result),
            # Stand square to the screen and read this: a camera tilted down shows it negative (camera_tilt_deg).
            "median_pitch_deg": None if result.median_pitch_deg is None else round(result.median_pitch_deg, 1),
            "frames_used": result.frames_used,
            "frames_seen": result.frames_seen,
            "elapsed_ms": result.elapsed_ms,
            "processing_ms": wall_ms,
        })
        return
    ctx.say(f"face.{result.decision.value}")
    liveness = "ok" if live.passed else f"{live.challenges_passed}/{len(live.challenges)}"
    ctx.say("face.cli_result", decision=result.decision.value,
            score="-" if result.score is None else f"{result.score:.3f}", threshold=f"{result.threshold:g}",
            liveness=liveness, frames=result.frames_used, elapsed=result.elapsed_ms)


def _pad_report(result: FaceVerificationResult) -> dict[str, Any] | None:
    """The presentation-attack cues as numbers (ISO/IEC 30107-3 evidence); never an image or a template."""
    pad = result.pad
    if pad is None:
        return None

    def num(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "scores": dict(pad.scores),
        "fused": pad.fused,
        "attack_suspected": pad.attack_suspected,
        "reasons": list(pad.reasons),
        "chip_distance": num(pad.chip_distance),
        "chip_correlation": num(pad.chip_correlation),
        "parallax": num(pad.parallax),
        "moire": num(pad.moire),
        "response_s": [round(r, 3) for r in pad.response_s],
        "early_moves": pad.early_moves,
        "pulse_snr": num(pad.pulse_snr),
    }


def _snapshot(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        camera, _ = _open_camera(ctx.config, args.camera, None)
        camera.start()
        try:
            path = camera.snapshot(args.out)
        finally:
            camera.stop()
    except CameraError as exc:
        ctx.warn(exc.message_key)
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    print(path)
    return EXIT_OK


def _qr(args: argparse.Namespace, ctx: CliContext) -> int:
    import cv2

    from devices.qr.zxing import ZxingQrScanner

    scanner = ZxingQrScanner()
    if args.image is not None:
        image = cv2.imread(str(args.image), cv2.IMREAD_COLOR)
        if image is None:
            print(f"cannot read image {args.image}", file=sys.stderr)
            return EXIT_UNREADABLE
        texts = [c.text for c in scanner.decode(np.asarray(image, dtype=np.uint8))]
    else:
        try:
            camera, _ = _open_camera(ctx.config, args.camera, None)
            camera.start()
        except CameraError as exc:
            ctx.warn(exc.message_key)
            return EXIT_UNREADABLE
        texts = []
        deadline = time.monotonic() + args.seconds
        try:
            while not texts and time.monotonic() < deadline:
                texts = [c.text for c in scanner.decode(camera.read())]
        except CameraError:
            pass
        finally:
            camera.stop()
    if not texts:
        ctx.warn("face.qr_not_found")
        return EXIT_FAILURE
    if args.json:
        ctx.emit_json({"codes": texts})
    else:
        for text in texts:
            print(text)
    return EXIT_OK
