"""`python -m ui [--config FILE]`: the kiosk window on the devices in the configuration (what `kiosk run` starts).

Exit codes: 0 closed normally, 2 configuration or device error (the message names the setting), 1 the data folder
or the submission queue cannot be used (full or read-only disk, key problem, damaged file).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.journey.shell import (
    ConfigError,
    DataFolderError,
    DeviceUnavailableError,
    QueueUnavailableError,
    Translator,
    build_kiosk,
    load_config,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui")
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tr = Translator()
    try:
        config = load_config(Path(args.config) if args.config else None)
        tr.language = config.kiosk.default_language
        kiosk = build_kiosk(config)
    except ConfigError as exc:
        print(tr.text("common.config_error", detail=str(exc)), file=sys.stderr)
        return 2
    except DataFolderError as exc:
        print(tr.text("common.data_folder_error", path=str(exc.path), setting=exc.setting,
                      reason=exc.error.strerror or str(exc.error)), file=sys.stderr)
        return 1
    except QueueUnavailableError as exc:
        print(tr.text("ui.device_unavailable", detail=str(exc)), file=sys.stderr)
        return 1
    except DeviceUnavailableError as exc:
        print(tr.text("ui.device_unavailable", detail=str(exc)), file=sys.stderr)
        return 2
    from ui.app import run

    return run(kiosk)


if __name__ == "__main__":
    sys.exit(main())
