"""Registers S3 as ``[storage] type = "s3"``, configured by ``[storage.s3]``."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field, SecretStr

from podforge_s3_storage.storage import S3Storage
from ports import AdapterContext, AdapterSpec, AdapterUnavailable, hookimpl


class S3Settings(BaseModel):
    """``[storage.s3]``; credentials may also come from the usual AWS environment."""

    bucket: str = ""
    prefix: str = ""
    endpoint_url: str = ""  # for MinIO, Ceph, R2 and other S3-compatible stores
    region: str = ""
    access_key_id: SecretStr = SecretStr("")
    secret_access_key: SecretStr = SecretStr("")
    presign_seconds: int = Field(3600, ge=1, le=7 * 24 * 3600)


def create_s3_storage(settings: S3Settings, context: AdapterContext) -> S3Storage:
    import boto3

    if not settings.bucket:
        raise AdapterUnavailable("[storage.s3] bucket is not set (PODFORGE_STORAGE__S3__BUCKET)")
    options = {
        "endpoint_url": settings.endpoint_url or None,
        "region_name": settings.region or None,
        "aws_access_key_id": settings.access_key_id.get_secret_value() or None,
        "aws_secret_access_key": settings.secret_access_key.get_secret_value() or None,
    }
    client = boto3.client("s3", **{k: v for k, v in options.items() if v})
    return S3Storage(client, bucket=settings.bucket, prefix=settings.prefix,
                     presign_seconds=settings.presign_seconds)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [AdapterSpec("storage", "s3", create_s3_storage, S3Settings,
                        "S3 or an S3-compatible store, with presigned downloads")]
