"""The national document exchange axis (Trục liên thông văn bản quốc gia), behind a small
adapter interface, with a local simulator speaking the same protocol.

A message is an envelope (the Appendix VI metadata of the document: sender and recipient
exchange codes, number-symbol, type, excerpt, date, signer, urgency, confidentiality) plus
the signed PDF. The axis deduplicates on ``message_id``: sending the same message twice
delivers it once and returns the same receipt, so a retry after a lost answer is safe.

The simulator keeps what it "delivers" as one JSON file per message under
``settings.DOCUMENT_AXIS_DIR/<recipient code>/``, and is down while a file named
``OUTAGE`` exists there (so a test or an operator can simulate an outage across
processes). No network.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class AxisUnavailable(Exception):
    """The axis did not take the message (down, timeout, refused): try again later."""


@dataclass(frozen=True)
class Envelope:
    message_id: str
    from_code: str
    from_name: str
    to_code: str
    number_symbol: str
    doc_type: str
    excerpt: str
    issued_at: str
    signer: str
    urgency: str
    confidentiality: str
    pdf_b64: str

    @property
    def pdf(self) -> bytes:
        return base64.b64decode(self.pdf_b64)


@dataclass(frozen=True)
class Receipt:
    message_id: str
    status: str  # "delivered" (in the recipient's inbox on the axis)
    at: str


@dataclass(frozen=True)
class Acknowledgement:
    """The receiving agency's answer to a message, carried back to its sender by the axis:
    ``received`` (registered in its incoming register) or ``returned`` (with a reason
    code of ``models.ReturnReason`` and a note). Keyed by (message_id, status): sending the
    same answer again changes nothing."""

    message_id: str
    from_code: str  # the receiving agency, answering
    to_code: str    # the sender
    status: str     # "received" | "returned"
    reason: str = ""
    note: str = ""
    at: str = ""

    STATUSES = ("received", "returned")


class ExchangeAxis:
    def send(self, envelope: Envelope) -> Receipt:
        raise NotImplementedError

    def acknowledge(self, ack: Acknowledgement) -> Receipt:
        """Carry a receiving agency's answer back to the message's sender."""
        raise NotImplementedError


class SimulatedAxis(ExchangeAxis):
    def __init__(self, root: Path | None = None):
        self.root = Path(root or settings.DOCUMENT_AXIS_DIR)

    def outage_flag(self) -> Path:
        return self.root / "OUTAGE"

    def send(self, envelope: Envelope) -> Receipt:
        if self.outage_flag().exists():
            raise AxisUnavailable("the exchange axis is unavailable (simulated outage)")
        if not envelope.to_code or "/" in envelope.to_code or ".." in envelope.to_code:
            raise ValueError("bad recipient code")
        folder = self.root / envelope.to_code
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{envelope.message_id}.json"
        if path.exists():  # idempotent: the same message is delivered once
            stored = json.loads(path.read_text(encoding="utf-8"))
            return Receipt(**stored["receipt"])
        receipt = Receipt(envelope.message_id, "delivered", timezone.now().isoformat())
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"envelope": asdict(envelope), "receipt": asdict(receipt)},
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return receipt

    def acknowledge(self, ack: Acknowledgement) -> Receipt:
        if self.outage_flag().exists():
            raise AxisUnavailable("the exchange axis is unavailable (simulated outage)")
        if ack.status not in Acknowledgement.STATUSES or not ack.to_code \
                or "/" in ack.to_code or ".." in ack.to_code or "/" in ack.message_id:
            raise ValueError("bad acknowledgement")
        folder = self.root / ack.to_code / "acks"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ack.message_id}-{ack.status}.json"
        if not path.exists():  # idempotent: the same answer is carried once
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(ack), ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        return Receipt(ack.message_id, "delivered", ack.at)

    def acknowledgements(self, to_code: str) -> list[Acknowledgement]:
        """What the axis holds for a sender (the simulator's side of the sender's
        endpoint, ``POST /api/v1/documents/exchange/acknowledgements``)."""
        folder = self.root / to_code / "acks"
        if not folder.exists():
            return []
        return [Acknowledgement(**json.loads(p.read_text(encoding="utf-8")))
                for p in sorted(folder.glob("*.json"))]

    def inbox(self, to_code: str) -> list[Envelope]:
        folder = self.root / to_code
        if not folder.exists():
            return []
        return [Envelope(**json.loads(p.read_text(encoding="utf-8"))["envelope"])
                for p in sorted(folder.glob("*.json"))]


BACKENDS = {"simulator": SimulatedAxis}


def axis() -> ExchangeAxis:
    name = settings.DOCUMENT_AXIS_BACKEND
    return (BACKENDS[name] if name in BACKENDS else import_string(name))()


def iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()
