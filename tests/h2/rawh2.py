"""HTTP/2 frame by frame on a plain socket (h2c with prior knowledge, or TLS with ALPN h2), with `hyperframe`
for frames and `hpack` for header blocks, so a test can send what a well-behaved library refuses to send."""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, field

from hpack import Decoder, Encoder
from hyperframe.frame import (
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    RstStreamFrame,
    SettingsFrame,
    WindowUpdateFrame,
)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
FRAME_HEADER = 9


@dataclass
class Stream:
    heads: list[list[tuple[str, str]]] = field(default_factory=list)  # every HEADERS block, interim ones too
    data: bytearray = field(default_factory=bytearray)
    ended: bool = False
    reset: int | None = None  # the RST_STREAM error code, if the server reset it

    def statuses(self) -> list[int]:
        return [int(dict(head)[":status"]) for head in self.heads if ":status" in dict(head)]


def flagged(frame: Frame, flag: str, on: bool) -> Frame:
    if on:
        frame.flags.add(flag)
    return frame


class RawH2:
    """One HTTP/2 client connection driven frame by frame."""

    def __init__(self, host: str, port: int, *, tls_ca: str | None = None, timeout: float = 5.0):
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls_ca is not None:
            context = ssl.create_default_context(cafile=tls_ca)
            context.set_alpn_protocols(["h2"])
            raw = context.wrap_socket(raw, server_hostname="localhost")
            assert raw.selected_alpn_protocol() == "h2", raw.selected_alpn_protocol()
        self.sock = raw
        self.scheme = "http" if tls_ca is None else "https"
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.decoder.max_allowed_table_size = 65536
        self.buffer = bytearray()
        self.streams: dict[int, Stream] = {}
        self.goaway: GoAwayFrame | None = None
        self.closed = False
        self.server_settings: dict[int, int] = {}
        self.settings_acks = 0
        self.ping_acks = 0
        self.next_stream_id = 1
        self._block: tuple[int, bytearray, bool] | None = None  # a header block awaiting CONTINUATION

    # ---- sending ----
    def send(self, *frames: Frame | bytes) -> None:
        self.sock.sendall(b"".join(f if isinstance(f, bytes) else f.serialize() for f in frames))

    def start(self, settings: dict[int, int] | None = None) -> None:
        frame = SettingsFrame(0)
        frame.settings = dict(settings or {})
        self.send(PREFACE, frame)

    def new_stream_id(self) -> int:
        stream_id = self.next_stream_id
        self.next_stream_id += 2
        return stream_id

    def request_frame(self, stream_id: int, path: str, *, method: str = "GET", end_stream: bool = True,
                      extra: list[tuple[str, str]] | None = None, authority: str = "localhost") -> HeadersFrame:
        block = self.encoder.encode(
            [(":method", method), (":scheme", self.scheme), (":authority", authority), (":path", path)] + (extra or [])
        )
        frame = HeadersFrame(stream_id, block)
        frame.flags.add("END_HEADERS")
        if end_stream:
            frame.flags.add("END_STREAM")
        return frame

    def request(self, path: str, **kwargs) -> int:
        stream_id = self.new_stream_id()
        self.send(self.request_frame(stream_id, path, **kwargs))
        return stream_id

    @staticmethod
    def rst(stream_id: int, code: int = 8) -> RstStreamFrame:  # 8 = CANCEL
        return RstStreamFrame(stream_id, error_code=code)

    @staticmethod
    def ping(payload: bytes = b"12345678") -> PingFrame:
        return PingFrame(0, opaque_data=payload)

    @staticmethod
    def window_update(stream_id: int, increment: int) -> WindowUpdateFrame:
        return WindowUpdateFrame(stream_id, window_increment=increment)

    @staticmethod
    def data(stream_id: int, payload: bytes, end_stream: bool = False) -> DataFrame:
        return flagged(DataFrame(stream_id, payload), "END_STREAM", end_stream)

    @staticmethod
    def continuation(stream_id: int, fragment: bytes, end_headers: bool = False) -> ContinuationFrame:
        return flagged(ContinuationFrame(stream_id, fragment), "END_HEADERS", end_headers)

    # ---- receiving ----
    def _read_some(self, deadline: float) -> bool:
        """Reads what the server sent until `deadline`; False once the connection is closed."""
        left = deadline - time.monotonic()
        if left <= 0:
            return not self.closed
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return True
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            self.closed = True
            return False
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        self._parse()
        return True

    def _parse(self) -> None:
        view = bytes(self.buffer)
        offset, size = 0, len(view)
        try:
            while size - offset >= FRAME_HEADER:
                length = int.from_bytes(view[offset:offset + 3], "big")
                kind, flags = view[offset + 3], view[offset + 4]
                if size - offset < FRAME_HEADER + length:
                    break
                body = view[offset + FRAME_HEADER:offset + FRAME_HEADER + length]
                offset += FRAME_HEADER + length
                if kind == 0x4 and flags & 0x1:  # SETTINGS ACK, counted without parsing: floods bring many
                    self.settings_acks += 1
                elif kind == 0x6 and flags & 0x1:  # PING ACK, likewise
                    self.ping_acks += 1
                else:
                    frame, _ = Frame.parse_frame_header(memoryview(view[offset - FRAME_HEADER - length:offset - length]))
                    frame.parse_body(memoryview(body))
                    self._handle(frame)
        finally:
            del self.buffer[:offset]

    def _handle(self, frame: Frame) -> None:
        if isinstance(frame, SettingsFrame):
            if "ACK" in frame.flags:
                self.settings_acks += 1
            else:
                self.server_settings.update(frame.settings)
                ack = SettingsFrame(0)
                ack.flags.add("ACK")
                self.send(ack)
        elif isinstance(frame, PingFrame):
            if "ACK" in frame.flags:
                self.ping_acks += 1
        elif isinstance(frame, GoAwayFrame):
            self.goaway = frame
        elif isinstance(frame, HeadersFrame):
            self._block = (frame.stream_id, bytearray(frame.data), "END_STREAM" in frame.flags)
            if "END_HEADERS" in frame.flags:
                self._end_block()
        elif isinstance(frame, ContinuationFrame):
            assert self._block is not None and self._block[0] == frame.stream_id
            self._block[1].extend(frame.data)
            if "END_HEADERS" in frame.flags:
                self._end_block()
        elif isinstance(frame, DataFrame):
            stream = self.streams.setdefault(frame.stream_id, Stream())
            stream.data += frame.data
            if "END_STREAM" in frame.flags:
                stream.ended = True
            if frame.flow_controlled_length:
                self.auto_window(frame.stream_id, frame.flow_controlled_length)
        elif isinstance(frame, RstStreamFrame):
            self.streams.setdefault(frame.stream_id, Stream()).reset = frame.error_code

    def auto_window(self, stream_id: int, length: int) -> None:
        """Gives back the window DATA used, as a normal client does; a test can replace this."""
        self.send(self.window_update(0, length), self.window_update(stream_id, length))

    def _end_block(self) -> None:
        stream_id, block, end_stream = self._block
        self._block = None
        headers = [(k if isinstance(k, str) else k.decode(), v if isinstance(v, str) else v.decode())
                   for k, v in self.decoder.decode(bytes(block))]
        stream = self.streams.setdefault(stream_id, Stream())
        stream.heads.append(headers)
        if end_stream:
            stream.ended = True

    def read_until(self, done, timeout: float) -> bool:
        """Reads until `done(self)` is true (returns True), the connection closes or `timeout` passes (False)."""
        deadline = time.monotonic() + timeout
        while not done(self):
            if time.monotonic() >= deadline or not self._read_some(deadline):
                return done(self)
        return True

    def finished(self, stream_id: int) -> bool:
        stream = self.streams.get(stream_id)
        return stream is not None and (stream.ended or stream.reset is not None)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
