"""Ports: what the use cases need from the outside world, as structural protocols.

One module per context, holding its Protocols and the plain records they pass. Adapters do not
inherit from them; mypy and tests/integration/test_port_conformance.py check that every adapter
and every fake fits its port, and that every port has an implementation.
"""
