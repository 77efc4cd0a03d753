"""Helper process for espeak-ng: forks a fresh child per utterance, so output never drifts.

The espeak-ng library keeps state across utterances in static variables that neither
re-initialising nor its random seed resets, so the same text came out a few samples different
each time. This process loads and initialises the library once and never speaks itself; every
request is spoken by a forked child that starts from that same pristine state.

Protocol on stdin/stdout: a JSON request per line ``{"text", "voice", "rate", "pitch",
"volume"}``; the answer is a JSON line ``{"ok": true, "rate": R, "bytes": N}`` followed by N
bytes of 16-bit PCM, or ``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
from typing import Any

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE, ESPEAK_VOLUME, ESPEAK_PITCH = 1, 2, 3
SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def load() -> tuple[Any, int]:
    """The initialised library and its sample rate."""
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0,
                                 espeakng_loader.get_data_path().encode(), 0)
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    return lib, rate


def speak(lib: Any, request: dict[str, Any]) -> bytes:
    """Runs in the forked child: synthesize one utterance and return its samples."""
    chunks: list[bytes] = []

    def collect(wav: Any, count: int, _events: Any) -> int:
        if wav and count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    callback = SYNTH_CALLBACK(collect)
    lib.espeak_SetSynthCallback(callback)
    lib.espeak_ng_SetRandSeed(ctypes.c_long(0))
    if lib.espeak_SetVoiceByName(request["voice"].encode()) != 0:
        raise ValueError(f"espeak-ng has no voice {request['voice']!r}")
    lib.espeak_SetParameter(ESPEAK_RATE, int(request["rate"]), 0)
    lib.espeak_SetParameter(ESPEAK_PITCH, int(request["pitch"]), 0)
    lib.espeak_SetParameter(ESPEAK_VOLUME, int(request["volume"]), 0)
    data = request["text"].encode("utf-8") + b"\0"
    if lib.espeak_Synth(data, len(data), 0, 0, 0, ESPEAK_CHARS_UTF8, None, None) != 0:
        raise ValueError("espeak-ng could not synthesize the text")
    lib.espeak_Synchronize()
    return b"".join(chunks)


def answer_in_child(lib: Any, request: dict[str, Any], rate: int) -> bytes:
    """Fork, let the child speak into a pipe, and return everything it wrote."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: speak, write, exit without running any cleanup
        os.close(read_end)
        header: dict[str, object]
        try:
            samples = speak(lib, request)
            header = {"ok": True, "rate": rate, "bytes": len(samples)}
        except Exception as problem:
            samples, header = b"", {"ok": False, "error": str(problem)}
        with os.fdopen(write_end, "wb") as out:
            out.write(json.dumps(header).encode() + b"\n" + samples)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        reply = source.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not reply:
        return json.dumps({"ok": False, "error": f"espeak-ng crashed ({status})"}).encode() + b"\n"
    return reply


def main() -> None:
    lib, rate = load()
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        out.write(answer_in_child(lib, json.loads(line), rate))
        out.flush()


if __name__ == "__main__":
    main()
