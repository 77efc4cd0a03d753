"""Audio assembly and encoding shared by every engine: WAV written as it goes, then MP3."""
