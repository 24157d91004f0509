"""`make portal`: serve the upload portal on 127.0.0.1:RETAIL_PORTAL_PORT; refuses to start without RETAIL_PORTAL_TOKEN."""

from __future__ import annotations

import logging
import sys

from retail_assets import settings
from retail_assets.portal.config import PortalConfigError, portal_config


def main() -> int:
    try:
        config = portal_config()
    except PortalConfigError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from retail_assets.portal.app import build_app
    from retail_assets.resources import build_resources  # the landing store and warehouse the pipeline uses

    try:
        resources = build_resources()
    except (NotImplementedError, ValueError) as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return 2
    app = build_app(config, resources["landing"], resources["warehouse"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    print(f"upload portal: http://{config.host}:{config.port}/  landing zone: {settings.landing_uri()}  "
          f"ledger: {config.ledger_path}", flush=True)
    # proxy headers only from a reverse proxy on this machine (TLS in front: cookies become Secure)
    uvicorn.run(app, host=config.host, port=config.port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                server_header=False, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
