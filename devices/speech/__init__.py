"""The kiosk's voice: a `Speaker` interface; espeak-ng, recorded prompts and a silent simulator behind it."""

from devices.speech.espeak import EspeakSpeaker
from devices.speech.recorded import RecordedPromptSpeaker
from devices.speech.simulated import SilentSpeaker, Utterance
from devices.speech.speaker import Speaker, SpeechError, SpeechUnavailableError

__all__ = [
    "EspeakSpeaker",
    "RecordedPromptSpeaker",
    "SilentSpeaker",
    "Speaker",
    "SpeechError",
    "SpeechUnavailableError",
    "Utterance",
]
