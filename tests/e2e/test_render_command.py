"""`podforge render`: a script file to WAV and MP3 with offline voices, from the command line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import soundfile

from adapters.resources import project_root
from tests.conftest import dora_processes

PODFORGE = project_root() / ".venv" / "bin" / "podforge"
SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
FOUR_HOSTS = (
    "# Round table\n**Ann:** Welcome, everyone.\n**Ben:** Glad to be here.\n"
    "**Cleo:** Me too.\n**Dev:** Let's begin.\n**Ann:** First topic: queues.\n"
)


def podforge(*args: str | Path, cwd: Path,
             **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    env["PODFORGE_CONFIG"] = str(project_root() / "config.toml")
    env["PODFORGE_APP__DATA_DIR"] = str(cwd / "var")
    env.update(settings)
    return subprocess.run([str(PODFORGE), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_four_speakers_get_four_distinct_default_voices(tmp_path: Path) -> None:
    script = tmp_path / "round-table.md"
    script.write_text(FOUR_HOSTS)
    out = tmp_path / "out"
    result = podforge("render", script, "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    chosen = dict(line.split(": ", 1) for line in result.stdout.splitlines()
                  if line.split(": ", 1)[0] in {"Ann", "Ben", "Cleo", "Dev"})
    assert len(set(chosen.values())) == 4
    assert all(voice.startswith("en-") for voice in chosen.values())
    assert sorted(p.name for p in out.iterdir()) == [
        "round-table.chapters.json", "round-table.mp3", "round-table.srt", "round-table.vtt",
        "round-table.wav"]
    wav, mp3 = soundfile.info(out / "round-table.wav"), soundfile.info(out / "round-table.mp3")
    assert abs(wav.duration - mp3.duration) <= 0.05


def test_voices_can_be_chosen_per_speaker(tmp_path: Path) -> None:
    result = podforge("render", SCRIPTS / "mofa-style-zh.md", "--voice", "daniu=zh-cn-boyu",
                      "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "大牛: zh-cn-boyu" in result.stdout
    assert "一帆: zh-cn-" in result.stdout
    assert (tmp_path / "out" / "mofa-style-zh.wav").is_file()


def test_one_line_of_config_renders_through_the_mofa_dataflow_instead(tmp_path: Path) -> None:
    before = set(dora_processes())
    result = podforge("render", SCRIPTS / "two-hosts-en.md", "--out", tmp_path / "mofa",
                      cwd=tmp_path, PODFORGE_ENGINE__TYPE="mofa")
    assert result.returncode == 0, result.stderr
    direct = podforge("render", SCRIPTS / "two-hosts-en.md", "--out", tmp_path / "direct",
                      cwd=tmp_path)
    assert direct.returncode == 0, direct.stderr
    assert result.stdout.splitlines()[:2] == direct.stdout.splitlines()[:2]  # same voices
    durations = [soundfile.info(tmp_path / kind / "two-hosts-en.wav").duration
                 for kind in ("mofa", "direct")]
    assert abs(durations[0] - durations[1]) <= 0.05
    assert set(dora_processes()) <= before  # the command stopped the services it started


def test_a_bad_script_fails_naming_its_line_and_writes_nothing(tmp_path: Path) -> None:
    result = podforge("render", SCRIPTS / "bad" / "empty-turn.md", "--out", tmp_path / "out",
                      cwd=tmp_path)
    assert result.returncode == 1
    assert "empty-turn.md:2:" in result.stderr and "nothing to say" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_voice_or_malformed_option_is_refused(tmp_path: Path) -> None:
    unknown = podforge("render", SCRIPTS / "two-hosts-en.md", "--voice", "Bob=nobody",
                       "--out", tmp_path, cwd=tmp_path)
    assert unknown.returncode == 1 and "Bob: voice_id 'nobody'" in unknown.stderr
    malformed = podforge("render", SCRIPTS / "two-hosts-en.md", "--voice", "Bob",
                         "--out", tmp_path, cwd=tmp_path)
    assert malformed.returncode == 1 and "SPEAKER_ID=VOICE_ID" in malformed.stderr
    assert list(tmp_path.glob("*.wav")) == []


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    script = tmp_path / "latin1.md"
    script.write_bytes("**A:** hello\n**B:** café\n".encode("latin-1"))
    result = podforge("render", script, cwd=tmp_path)
    assert result.returncode == 1 and "latin1.md:2: not valid UTF-8" in result.stderr
