"""`duet models bootstrap` and `duet serve vllm`."""

from __future__ import annotations

from training.cli import main
from training.llm.serve import vllm_command, vllm_environment


def test_bootstrap_builds_once_and_force_rebuilds(tmp_path, capsys):
    out = tmp_path / "agent"
    assert main(["models", "bootstrap", "--out", str(out)]) == 0
    assert (out / "model.safetensors").is_file()
    built = (out / "model.safetensors").stat().st_mtime_ns
    assert main(["models", "bootstrap", "--out", str(out)]) == 0
    assert "already exists" in capsys.readouterr().out
    assert (out / "model.safetensors").stat().st_mtime_ns == built
    assert main(["models", "bootstrap", "--out", str(out), "--force"]) == 0
    assert (out / "model.safetensors").stat().st_mtime_ns != built


def test_serve_vllm_without_a_model_explains_how_to_build_one(tmp_path, capsys):
    assert main(["serve", "vllm", "--model", str(tmp_path / "none")]) == 2
    assert "duet models bootstrap" in capsys.readouterr().err


def test_vllm_command_enables_runtime_lora_and_float32_on_cpu():
    command = vllm_command("/models/tiny-agent", port=8123, max_loras=3, max_lora_rank=16)
    joined = " ".join(command)
    assert "--enable-lora --max-loras 3 --max-lora-rank 16" in joined
    assert "--served-model-name tiny-agent" in joined
    assert "--dtype float32" in joined
    assert "--dtype" not in vllm_command("/m", cpu=False)
    env = vllm_environment(cpu=True, base={})
    assert env["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] == "True"
    assert env["HF_HUB_OFFLINE"] == "1"
    assert env["VLLM_TARGET_DEVICE"] == "cpu"
