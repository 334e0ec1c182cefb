"""The form engine: walks a citizen through a catalogue service step by step (see `kiosk.forms.engine`)."""
