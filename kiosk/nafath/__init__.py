"""Nafath, the national single sign-on: its integrators' API, a client and a simulator.

This is I/O (HTTP on the network), kept beside the store and printing, below the services: the
services' sign-in use case (``kiosk.services.nafath``) asks a client from here, and verifies
what it answers before trusting it.
"""
