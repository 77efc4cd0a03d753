"""S3 Storage: keys under a prefix, multipart uploads, ranged reads, presigned downloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from ports.storage import ObjectNotFound, Storage, check_key

CHUNK_SIZE = 256 * 1024
# Files over 16 MiB go up in parts: a long WAV never needs one huge request.
MULTIPART = TransferConfig(multipart_threshold=16 * 1024 * 1024,
                           multipart_chunksize=16 * 1024 * 1024)


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


class S3Storage(Storage):
    def __init__(self, client: Any, *, bucket: str, prefix: str = "",
                 presign_seconds: int = 3600) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.presign_seconds = presign_seconds

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_file(self, key: str, source: Path) -> int:
        # S3 makes an object visible only when its upload completes: writes are atomic.
        self.client.upload_file(str(source), self.bucket, self._name(key), Config=MULTIPART)
        return source.stat().st_size

    def get_file(self, key: str, destination: Path) -> None:
        try:
            self.client.download_file(self.bucket, self._name(key), str(destination))
        except ClientError as error:
            if _missing(error):
                raise ObjectNotFound(key) from None
            raise

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _missing(error):
                raise ObjectNotFound(key) from None
            raise
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        size = self.size(key)  # raises ObjectNotFound before the generator starts
        if start >= size:
            return iter(())
        last = size - 1 if end is None else min(end, size - 1)
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key),
                                      Range=f"bytes={start}-{last}")["Body"]
        return iter(lambda: body.read(CHUNK_SIZE), b"")

    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        return str(self.client.generate_presigned_url(
            "get_object", ExpiresIn=expires_seconds or self.presign_seconds,
            Params={"Bucket": self.bucket, "Key": self._name(key),
                    "ResponseContentDisposition": f'attachment; filename="{filename}"'}))

    def check_ready(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)
