"""Typed server-callback events, generated from ``catalogue/<cloud>/_callbacks.json``: one class
per declared kind (``RongCloudMessageRouteEvent``, ``EasemobPostSendEvent`` …), the unions
``RongCloudEvent`` / ``EasemobEvent``, and the maps from kind to class. ``parse_callback`` on the
clients returns them."""

from ._generated import *  # noqa: F403
from ._generated import __all__ as __all__
