"""The upload portal: shop managers drop their daily exports in a browser, tills post them to an API.

A file is checked at once (name, size, type by content, the source profile's own reader), then
landed under the canonical name its profile expects through the same `LandingFileStore` the
sensor reads; from there it follows the path of any landed file. What became of it is read from
`audit.file_loads` and `silver.rejected_rows`; the portal's own ledger only remembers what it
received (upload id, original name, landed name, sha256, time, a reason it refused at once).

`make portal` (python -m retail_assets.portal) serves it on 127.0.0.1:RETAIL_PORTAL_PORT.
"""
