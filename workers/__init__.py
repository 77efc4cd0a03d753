"""Worker processes: take task ids from the queue and render them."""
