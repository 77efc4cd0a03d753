"""PodForge storage plugin for S3 and S3-compatible object stores."""
