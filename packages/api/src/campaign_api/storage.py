"""Object storage (S3 API via the minio client, which is synchronous: every call runs in a thread)."""

from __future__ import annotations

from urllib.parse import urlsplit

import anyio.to_thread
from minio import Minio

from campaign_shared.settings import S3Settings


def _client(endpoint: str, settings: S3Settings) -> Minio:
    parts = urlsplit(endpoint)
    return Minio(
        parts.netloc,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=parts.scheme == "https",
        region=settings.region,
    )


class ObjectStorage:
    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.client = _client(settings.endpoint, settings)

    async def check_bucket(self) -> None:
        """Raises unless the bucket exists and our credentials can see it."""
        exists = await anyio.to_thread.run_sync(self.client.bucket_exists, self.bucket)
        if not exists:
            raise RuntimeError(f"bucket {self.bucket!r} does not exist")

    async def presigned_put(self, key: str, content_type: str, expires_s: int = 900) -> str:
        """A URL a browser can PUT the object to (signed for the public endpoint, if one is set)."""
        from datetime import timedelta

        client = _client(self.settings.public_endpoint, self.settings) if self.settings.public_endpoint else self.client
        return await anyio.to_thread.run_sync(
            lambda: client.presigned_put_object(self.bucket, key, expires=timedelta(seconds=expires_s))
        )

    async def presigned_get(self, key: str, expires_s: int = 3600) -> str:
        """A URL a browser can GET the object from (signed for the public endpoint, if one is set)."""
        from datetime import timedelta

        client = _client(self.settings.public_endpoint, self.settings) if self.settings.public_endpoint else self.client
        return await anyio.to_thread.run_sync(
            lambda: client.presigned_get_object(self.bucket, key, expires=timedelta(seconds=expires_s))
        )

    async def exists(self, key: str) -> bool:
        """Whether an object was stored under `key` (e.g. an upload the browser finished)."""
        from minio.error import S3Error

        def stat() -> bool:
            try:
                self.client.stat_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
                    return False
                raise
            return True

        return await anyio.to_thread.run_sync(stat)

    async def ensure_bucket(self) -> None:
        def create() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await anyio.to_thread.run_sync(create)
