"""Contract tests every adapter of a port must pass; subclass one and provide its fixtures.

Example, for a third-party storage plugin::

    from ports.contracts import StorageContract

    class TestMyStorage(StorageContract):
        @pytest.fixture
        def storage(self, tmp_path):
            return MyStorage(...)
"""

from ports.contracts.credentials import CredentialStoreContract
from ports.contracts.ledger import LedgerContract
from ports.contracts.llm import LLMContract
from ports.contracts.queue import QueueContract
from ports.contracts.storage import StorageContract
from ports.contracts.synthesizer import SynthesizerContract
from ports.contracts.tts_engine import TTSEngineContract

__all__ = [
    "CredentialStoreContract",
    "LLMContract",
    "LedgerContract",
    "QueueContract",
    "StorageContract",
    "SynthesizerContract",
    "TTSEngineContract",
]
