"""Monday webhook payloads for the migration harness.

* :mod:`payloads.models`: typed models of every body, and :func:`parse_webhook`;
* :mod:`payloads.providers`: Faker providers of realistic task content;
* :mod:`payloads.strategies`: Hypothesis strategies producing model instances;
* :mod:`payloads.signers`: the signing schemes, their signers and verifiers, and :class:`~payloads.signers.Signer`;
* :mod:`payloads.corpus`: sample bodies from the document and Monday's documentation;
* :mod:`payloads.factory`: fast, seedable document-flavour payloads for load tests;
* :mod:`payloads.native`: their native Monday twins (``{"event": {"type", "triggerUuid", ...}}``);
* :mod:`payloads.dialects`: the two dialects, :func:`~payloads.dialects.make_event` for either.

This package never imports pytest, Locust or the rest of :mod:`harness`: installed, it is ``harness.payloads``
(the repository keeps it at the top level), and it imports itself only relatively.
"""

from .models import as_json_bytes, parse_webhook

__all__ = ["as_json_bytes", "parse_webhook"]
