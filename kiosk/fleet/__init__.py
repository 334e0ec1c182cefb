"""The fleet side of a kiosk: Prometheus metrics, the province's rules and statistics, simulated kiosks.

`kiosk.fleet.metrics` is the one registry a kiosk exposes (Prometheus text exposition format 0.0.4 over HTTP);
`kiosk.fleet.rules` writes the alerting and recording rules and the Alertmanager routing for a province;
`kiosk.fleet.stats` reads the ward and province figures back from Prometheus's HTTP API; `kiosk.fleet.simulate`
serves many simulated kiosks for demos, tests and the benchmark.
"""
