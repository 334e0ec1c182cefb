"""Signed catalogue and configuration updates for a fleet of kiosks, with The Update Framework (TUF 1.0).

A province publishes its service catalogue and its configuration profiles as targets of a TUF repository
(`publish.py`, keys from `keys.py`) that any static HTTP server can serve. Each kiosk runs a TUF client
(`client.py`, python-tuf's `ngclient.Updater`) that verifies the metadata chain root → timestamp → snapshot →
targets, downloads only what changed, validates it with the kiosk's own loaders and swaps it in between visits
(`store.py`), keeping the last good release and rolling back one that fails to load.
"""
