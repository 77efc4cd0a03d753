"""PodForge storage plugin that keeps objects on local disk, laid out by date."""
