"""The generation engine on a tiny random-weight Llama with the real SmolLM2 tokenizer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, StaticCache
from transformers.generation.logits_process import (
    LogitsProcessorList,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from generation.inference import (
    ModelNotAvailable,
    TextGenerator,
    engine,
    get_generator,
    loader,
    packing,
    precision,
    prefix_cache,
    sampling,
)
from tests.generation.conftest import record_generate_results

ROOT = Path(__file__).resolve().parents[2]
# Few tokens keep each test in milliseconds; the behaviours do not depend on length.
NEW_TOKENS = 6


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You write product copy."}, {"role": "user", "content": text}]


# Very different lengths, in neither ascending nor descending order.
MIXED_PROMPTS = [chat("A mug."), chat("durable " * 120), chat("A bottle. " * 5), chat("light " * 40)]


@pytest.fixture(scope="module", autouse=True)
def one_cpu_thread():
    """One OpenMP thread: the tiny model gains nothing from more, and on a busy
    2-core box waiting at OpenMP barriers made each call ten times slower."""
    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GENERATION_NUM_THREADS", "1")
        yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def generator(tiny_model_dir: Path) -> TextGenerator:
    return TextGenerator(str(tiny_model_dir), device="cpu", dtype="float32", batch_size=2)


@pytest.fixture
def generate_calls(generator: TextGenerator, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every model.generate call's keyword arguments, the call itself still made."""
    calls: list[dict] = []
    original = generator.model.generate

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(generator.model, "generate", spy)
    return calls


def test_outputs_come_back_in_the_order_of_the_prompts_whatever_their_lengths(generator):
    expected_lengths = [len(generator.encode(prompt)) for prompt in MIXED_PROMPTS]

    outputs = generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS)

    assert [output.prompt_tokens for output in outputs] == expected_lengths


def test_prompts_are_batched_longest_first_so_that_similar_lengths_share_a_batch(generator, generate_calls):
    lengths = sorted((len(generator.encode(prompt)) for prompt in MIXED_PROMPTS), reverse=True)

    generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS)

    batches = [sorted(call["attention_mask"].sum(dim=1).tolist(), reverse=True) for call in generate_calls]
    assert batches == [lengths[:2], lengths[2:]]


def test_batches_are_padded_on_the_left(generator, generate_calls):
    generator.generate([chat("A mug."), chat("durable " * 30)], max_new_tokens=NEW_TOKENS)

    mask = generate_calls[0]["attention_mask"]
    assert generator.tokenizer.padding_side == "left"
    assert mask[:, -1].tolist() == [1, 1]
    assert mask[:, 0].tolist().count(0) == 1


def test_the_model_is_called_once_per_batch_of_at_most_batch_size_prompts(generator, generate_calls):
    generator.generate([chat(f"Idea {n}.") for n in range(5)], max_new_tokens=NEW_TOKENS)

    assert [len(call["input_ids"]) for call in generate_calls] == [2, 2, 1]


def test_the_same_seed_gives_the_same_texts(generator):
    first = generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS, seed=7)
    second = generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS, seed=7)

    assert [output.text for output in first] == [output.text for output in second]


def test_different_seeds_give_different_texts(generator):
    first = generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS, seed=7)
    second = generator.generate(MIXED_PROMPTS, max_new_tokens=NEW_TOKENS, seed=8)

    assert [output.text for output in first] != [output.text for output in second]


def test_a_prompt_repeated_in_one_call_gets_its_own_sample_each_time(generator):
    outputs = generator.generate([chat("A mug.")] * 3, max_new_tokens=NEW_TOKENS, temperature=1.0)

    assert len({output.text for output in outputs}) == 3


def test_generate_picks_by_argmax_over_the_engines_own_penalty_and_sampler(generator, generate_calls):
    generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS)
    generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS, temperature=0)

    sampled, greedy = generate_calls
    # generate() takes the sampler's pick by argmax instead of drawing over the vocabulary itself.
    assert (sampled["do_sample"], greedy["do_sample"]) == (False, False)
    assert [type(p) for p in sampled["logits_processor"]] == [
        sampling.RepetitionPenalty,
        sampling.NucleusSampler,
    ]
    assert [type(p) for p in greedy["logits_processor"]] == [sampling.RepetitionPenalty]
    # Neither generate()'s own penalty, which copies the logits twice a step, nor a no-op minimum length.
    assert "repetition_penalty" not in sampled and sampled["min_new_tokens"] is None


def test_the_repetition_penalty_gives_exactly_the_scores_of_transformers_own():
    torch.manual_seed(0)
    scores = torch.randn(3, 1000) * 5
    input_ids = torch.randint(0, 1000, (3, 40))  # repeats included
    expected = RepetitionPenaltyLogitsProcessor(1.15)(input_ids, scores.clone())

    penalized = sampling.RepetitionPenalty(1.15)(input_ids, scores.clone())

    assert torch.equal(penalized, expected)


@pytest.mark.parametrize(("temperature", "top_p"), [(0.7, 0.9), (1.0, 0.5), (0.3, 0.99), (1.5, 1.0)])
def test_the_sampler_picks_the_tokens_generates_own_warpers_keep_with_their_probabilities(temperature, top_p):
    torch.manual_seed(0)
    # Peaked and flat rows, as a language model's scores come.
    scores = torch.randn(6, 2000) * torch.tensor([[0.5], [1.0], [2.0], [4.0], [8.0], [16.0]])
    warpers = LogitsProcessorList(
        [TemperatureLogitsWarper(temperature), TopKLogitsWarper(sampling.TOP_K), TopPLogitsWarper(top_p)]
    )
    expected = warpers(None, scores.clone()).softmax(dim=-1)

    candidates, probs = sampling.NucleusSampler(
        temperature=temperature, top_k=sampling.TOP_K, top_p=top_p
    ).candidates(scores)

    ours = torch.zeros_like(scores).scatter_(1, candidates, probs / probs.sum(dim=-1, keepdim=True))
    assert torch.equal(ours > 0, expected > 0)
    assert torch.allclose(ours, expected, atol=1e-6)


def test_the_sampler_returns_one_pick_per_row_from_its_candidates():
    scores = torch.randn(3, 500)
    sampler = sampling.NucleusSampler(temperature=0.7, top_k=sampling.TOP_K, top_p=0.9)
    candidates, probs = sampler.candidates(scores)
    allowed = [set(ids[row_probs > 0].tolist()) for ids, row_probs in zip(candidates, probs, strict=True)]

    picks = sampler(None, scores)

    assert torch.isneginf(picks).sum(dim=1).tolist() == [499, 499, 499]
    assert all(pick in row for pick, row in zip(picks.argmax(dim=1).tolist(), allowed, strict=True))


def test_prompt_rows_maps_every_row_to_its_prompts_first_occurrence():
    assert engine.prompt_rows([[1, 2], [3], [1, 2], [3], [4]]) == ([0, 1, 4], [0, 1, 0, 1, 2])
    assert engine.prompt_rows([[1, 2], [3]]) == ([0, 1], [0, 1])


def test_variants_of_one_prompt_share_one_prompt_pass(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="float32", batch_size=4)
    forward_shapes: list[tuple[int, int]] = []
    prompts = [chat("durable " * 30), chat("A mug."), chat("durable " * 30), chat("A mug.")]
    long, short = len(generator.encode(prompts[0])), len(generator.encode(prompts[1]))
    original = generator.model.forward

    def spy(*args, **kwargs):
        forward_shapes.append(tuple(kwargs["input_ids"].shape))
        return original(*args, **kwargs)

    generator.model.forward = spy
    outputs = generator.generate(prompts, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS)

    # Each distinct prompt once, alone and unpadded (all but its last token),
    # then every row one token at a time: its last prompt token, then each new token.
    assert forward_shapes[:2] == [(1, long - 1), (1, short - 1)]
    assert set(forward_shapes[2:]) == {(4, 1)}
    assert [output.new_tokens for output in outputs] == [NEW_TOKENS] * 4


def test_the_engines_prompt_pass_writes_what_generates_own_pass_writes(generator, monkeypatch):
    prompts = [chat("durable " * 30), chat("A mug."), chat("durable " * 30), chat("A mug.")]
    ours = generator.generate(prompts, max_new_tokens=NEW_TOKENS, temperature=0)
    # generate()'s own pass: every row, padded, in one batch.
    monkeypatch.setattr(generator, "_prefill", lambda token_ids, decoder, max_new_tokens: None)
    generates = generator.generate(prompts, max_new_tokens=NEW_TOKENS, temperature=0)

    assert [o.text for o in ours] == [o.text for o in generates]
    assert ours[0].text == ours[2].text  # greedy: one prompt, one text


# Three prompts that begin alike for more than MIN_SHARED_PREFIX tokens, and one
# (another system message) that shares only the chat template's opening.
BRIEF = "A steel bottle for cyclists that keeps drinks cold all day. " * 6
ALIKE = [chat(BRIEF + "Tone: playful."), chat(BRIEF + "Tone: premium, " * 3), chat(BRIEF + "Ideas: a loop.")]
UNLIKE = [{"role": "system", "content": "You write user stories."}, {"role": "user", "content": "A login."}]


@pytest.fixture
def prompt_pass_inputs(generator: TextGenerator, monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The token ids of every forward pass of the prompt pass's model."""
    inputs: list[list[int]] = []
    original = generator.model.forward

    def spy(*args, **kwargs):
        if kwargs["input_ids"].shape[1] > 1:
            inputs.append(kwargs["input_ids"][0].tolist())
        return original(*args, **kwargs)

    monkeypatch.setattr(generator.model, "forward", spy)
    return inputs


@pytest.fixture
def empty_prefix_cache(generator: TextGenerator) -> prefix_cache.PrefixCache:
    generator.prefix_cache.clear()
    yield generator.prefix_cache
    generator.prefix_cache.clear()


def test_a_prompt_that_begins_like_an_earlier_one_passes_only_the_rest_through_the_model(
    generator, prompt_pass_inputs, empty_prefix_cache
):
    first, second = (generator.encode(prompt) for prompt in ALIKE[:2])
    shared = prefix_cache.shared_prefix_length(first, second)

    generator.generate([ALIKE[0]], max_new_tokens=NEW_TOKENS)
    generator.generate([ALIKE[1]], max_new_tokens=NEW_TOKENS)

    assert shared >= prefix_cache.MIN_SHARED_PREFIX
    assert prompt_pass_inputs == [first[:-1], second[shared:-1]]


def test_prompts_of_one_batch_share_their_common_beginning(generator, prompt_pass_inputs, empty_prefix_cache):
    first, second = sorted((generator.encode(prompt) for prompt in ALIKE[:2]), key=len, reverse=True)

    generator.generate(ALIKE[:2], max_new_tokens=NEW_TOKENS)

    assert prompt_pass_inputs == [first[:-1], second[prefix_cache.shared_prefix_length(first, second) : -1]]


def test_a_prompt_that_shares_too_little_passes_whole_and_leaves_the_cached_beginning_whole(
    generator, prompt_pass_inputs, empty_prefix_cache
):
    alike, unlike = generator.encode(ALIKE[0]), generator.encode(UNLIKE)

    generator.generate([ALIKE[0]], max_new_tokens=NEW_TOKENS)
    generator.generate([UNLIKE], max_new_tokens=NEW_TOKENS)

    assert 0 < prefix_cache.shared_prefix_length(alike, unlike) < prefix_cache.MIN_SHARED_PREFIX
    assert prompt_pass_inputs == [alike[:-1], unlike[:-1]]
    assert tuple(alike[:-1]) in empty_prefix_cache.entries


def test_greedy_outputs_are_the_same_with_and_without_the_prefix_cache(generator, empty_prefix_cache):
    batches = [ALIKE[:2], [ALIKE[2], UNLIKE], [ALIKE[1], ALIKE[0], ALIKE[2]], [UNLIKE]]
    with_cache = [generator.generate(batch, max_new_tokens=NEW_TOKENS, temperature=0) for batch in batches]
    generator.prefix_cache = prefix_cache.PrefixCache(capacity=0)
    try:
        without = [generator.generate(batch, max_new_tokens=NEW_TOKENS, temperature=0) for batch in batches]
    finally:
        generator.prefix_cache = empty_prefix_cache

    assert [[o.text for o in batch] for batch in with_cache] == [[o.text for o in batch] for batch in without]
    perplexities = [[o.perplexity for batch in run for o in batch] for run in (with_cache, without)]
    assert perplexities[0] == pytest.approx(perplexities[1], rel=1e-4)


def test_the_prefix_cache_keeps_a_bounded_number_of_bounded_beginnings(
    generator, empty_prefix_cache, monkeypatch
):
    monkeypatch.setattr(prefix_cache, "PREFIX_CACHE_TOKENS", 40)
    prompts = [
        [{"role": "system", "content": f"System {n}. " * 20}, {"role": "user", "content": "Hi."}]
        for n in range(6)
    ]

    generator.generate(prompts, max_new_tokens=1)

    assert len(empty_prefix_cache.entries) == empty_prefix_cache.capacity
    assert {len(tokens) for tokens in empty_prefix_cache.entries} == {40}
    assert {keys.shape[2] for states in empty_prefix_cache.entries.values() for keys, _ in states} == {40}


def test_split_precision_caches_the_prompt_pass_states_in_float32(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="fp32/bf16", batch_size=2)

    generator.generate(ALIKE[:2], max_new_tokens=NEW_TOKENS)

    [states] = generator.prefix_cache.entries.values()
    assert {keys.dtype for keys, _ in states} == {torch.float32}


def test_sampled_variants_of_a_shared_prompt_are_reproducible_and_differ(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="float32", batch_size=4)
    prompts = [chat("A bottle. " * 5)] * 4

    first = [o.text for o in generator.generate(prompts, max_new_tokens=NEW_TOKENS, temperature=1.0, seed=3)]
    second = [o.text for o in generator.generate(prompts, max_new_tokens=NEW_TOKENS, temperature=1.0, seed=3)]

    assert first == second
    assert len(set(first)) == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [("fp32/bf16", "float32/bfloat16"), ("bf16/bf16", "bfloat16"), ("float32", "float32")],
)
def test_a_precision_names_one_dtype_or_a_prompt_pass_and_a_decoding_dtype(name, expected):
    assert precision.canonical_precision(name) == expected


def test_an_unknown_dtype_in_a_precision_is_refused():
    with pytest.raises(ValueError, match="Unknown dtype"):
        precision.canonical_precision("fp32/int3")


def test_split_precision_runs_the_prompt_pass_in_one_dtype_and_decodes_in_the_other(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="fp32/bf16", batch_size=4)
    generator.split_decode_max_rows = 2  # both rows decode on the bfloat16 copy, whatever the CPU
    prompts = [chat("durable " * 30), chat("A mug.")]
    long, short = len(generator.encode(prompts[0])), len(generator.encode(prompts[1]))
    shapes: dict[str, list[tuple[int, int]]] = {"prompt pass": [], "decoding": []}
    for name, model in (("prompt pass", generator.prefill_model), ("decoding", generator.model)):
        original = model.forward

        def spy(*args, _original=original, _shapes=shapes[name], **kwargs):
            _shapes.append(tuple(kwargs["input_ids"].shape))
            return _original(*args, **kwargs)

        model.forward = spy

    outputs = generator.generate(prompts, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS)

    assert (generator.prefill_model.dtype, generator.model.dtype) == (torch.float32, torch.bfloat16)
    assert shapes["prompt pass"] == [(1, long - 1), (1, short - 1)]
    assert set(shapes["decoding"]) == {(2, 1)}
    assert [output.new_tokens for output in outputs] == [NEW_TOKENS] * 2


@pytest.fixture
def generated_ids(generator: TextGenerator, monkeypatch: pytest.MonkeyPatch) -> list[torch.Tensor]:
    """What every model.generate call returned."""
    return record_generate_results(generator, monkeypatch)


@pytest.mark.parametrize("temperature", [0, 1.0])
def test_perplexity_is_the_models_own_likelihood_of_the_new_tokens(generator, generated_ids, temperature):
    prompt = generator.encode(chat("A bottle. " * 5))

    (output,) = generator.generate(
        [chat("A bottle. " * 5)], max_new_tokens=NEW_TOKENS, temperature=temperature
    )

    # Scored again in one plain forward pass over prompt and output.
    new = generated_ids[0][0, len(prompt) : len(prompt) + output.new_tokens].tolist()
    with torch.inference_mode():
        logits = generator.model(input_ids=torch.tensor([prompt + new])).logits[0].float()
    logprobs = torch.log_softmax(logits[len(prompt) - 1 : -1], dim=-1)
    picked = logprobs.gather(1, torch.tensor(new)[:, None]).squeeze(1)
    assert output.perplexity == pytest.approx(torch.exp(-picked.mean()).item(), rel=1e-3)
    assert output.perplexity > 1


def test_each_row_of_a_batch_gets_its_own_perplexity(generator):
    alone = generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS, temperature=0)
    batched = generator.generate(
        [chat("durable " * 30), chat("A mug.")], max_new_tokens=NEW_TOKENS, temperature=0
    )

    assert batched[1].perplexity == pytest.approx(alone[0].perplexity, rel=1e-3)
    assert batched[0].perplexity != pytest.approx(batched[1].perplexity, rel=1e-3)


def test_split_precision_decodes_a_big_batch_on_the_prompt_pass_weights(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="fp32/bf16", batch_size=8)
    rows = generator.split_decode_max_rows + 1
    decoded: list[tuple[int, int]] = []
    original = generator.prefill_model.forward

    def spy(*args, **kwargs):
        decoded.append(tuple(kwargs["input_ids"].shape))
        return original(*args, **kwargs)

    generator.prefill_model.forward = spy
    outputs = generator.generate([chat(f"Idea {n}.") for n in range(rows)], max_new_tokens=NEW_TOKENS)

    assert generator.decoder_for(rows) is generator.prefill_model
    assert generator.decoder_for(rows - 1) is generator.model
    assert (rows, 1) in decoded  # the float32 copy ran the decode steps
    assert len(outputs) == rows and all(o.perplexity for o in outputs)


@pytest.mark.parametrize(
    ("onednn_runs_bf16", "expected"),
    [(True, precision.SPLIT_DECODE_MAX_ROWS), (False, precision.SPLIT_DECODE_MAX_ROWS_UNPACKED)],
)
def test_split_precision_decodes_fewer_rows_in_bf16_where_onednn_cannot_run_it(
    monkeypatch, onednn_runs_bf16, expected
):
    monkeypatch.setattr(precision, "packable", lambda dtype: dtype == torch.float32 or onednn_runs_bf16)

    assert precision.split_decode_max_rows("cpu", torch.bfloat16) == expected
    assert precision.split_decode_max_rows("cuda", torch.bfloat16) == precision.SPLIT_DECODE_MAX_ROWS


def test_a_split_precision_generator_decodes_on_this_cpus_threshold(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="fp32/bf16", batch_size=8)
    threshold = precision.split_decode_max_rows("cpu", torch.bfloat16)

    assert generator.split_decode_max_rows == threshold
    assert generator.decoder_for(threshold) is generator.model
    assert generator.decoder_for(threshold + 1) is generator.prefill_model


def linear_layers(model: torch.nn.Module) -> dict[str, type]:
    return {
        name: type(module)
        for name, module in model.named_modules()
        if isinstance(module, (torch.nn.Linear, packing.PackedLinear))
    }


@pytest.mark.skipif(not packing.packable(torch.float32), reason="oneDNN is not available")
def test_on_the_cpu_every_linear_layer_runs_on_weights_packed_once_for_onednn(generator, tiny_model_dir):
    plain = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)

    packed = linear_layers(generator.model)

    assert packed == {name: packing.PackedLinear for name in linear_layers(plain)}
    assert sum(p.numel() for p in generator.model.parameters()) == sum(p.numel() for p in plain.parameters())


@pytest.mark.skipif(not packing.packable(torch.float32), reason="oneDNN is not available")
def test_split_precision_packs_the_prompt_pass_weights_too(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="fp32/bf16")

    assert set(linear_layers(generator.prefill_model).values()) == {packing.PackedLinear}
    # bfloat16 only where oneDNN has the instructions for it.
    decoding = {packing.PackedLinear if packing.packable(torch.bfloat16) else torch.nn.Linear}
    assert set(linear_layers(generator.model).values()) == decoding


def test_packed_weights_give_the_logits_of_the_plain_layers(generator, tiny_model_dir):
    plain = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True).eval()
    ids = torch.tensor([generator.encode(chat("A bottle. " * 5))] * 2)

    with torch.inference_mode():
        expected, logits = (model(input_ids=ids).logits for model in (plain, generator.model))

    assert torch.allclose(logits, expected, atol=1e-4, rtol=1e-4)


def test_no_row_gets_more_new_tokens_than_max_new_tokens(generator):
    outputs = generator.generate(MIXED_PROMPTS, max_new_tokens=3)

    assert max(output.new_tokens for output in outputs) == 3


def test_generation_stops_at_the_end_of_turn_token_of_the_chat_template(generator, generate_calls):
    end_of_turn = generator.tokenizer.convert_tokens_to_ids("<|im_end|>")

    generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS)

    assert end_of_turn in generate_calls[0]["eos_token_id"]


def test_generation_writes_a_static_kv_cache_and_never_compiles_per_shape(generator, generate_calls):
    generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS)

    call = generate_calls[0]
    assert isinstance(call["past_key_values"], StaticCache)
    assert call["disable_compile"] is True


def test_without_its_own_prompt_pass_generate_makes_a_static_cache_itself(
    generator, generate_calls, monkeypatch
):
    # The CUDA path, and models whose cache is not all plain static layers.
    monkeypatch.setattr(generator, "_prefill", lambda token_ids, decoder, max_new_tokens: None)

    outputs = generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS)

    call = generate_calls[0]
    assert (call["cache_implementation"], call["disable_compile"]) == ("static", True)
    assert "past_key_values" not in call
    assert outputs[0].new_tokens == NEW_TOKENS


def test_an_output_holds_only_the_new_text_up_to_its_stop_token(generator, monkeypatch):
    words = generator.tokenizer.encode(" Light and strong", add_special_tokens=False)
    end_of_turn = generator.tokenizer.convert_tokens_to_ids("<|im_end|>")

    def fixed_continuation(*, input_ids, **kwargs):
        tail = torch.tensor([[*words, end_of_turn, generator.tokenizer.pad_token_id]])
        return torch.cat([input_ids, tail], dim=1)

    monkeypatch.setattr(generator.model, "generate", fixed_continuation)

    [output] = generator.generate([chat("A mug.")], max_new_tokens=NEW_TOKENS)

    assert (output.text, output.new_tokens) == ("Light and strong", len(words) + 1)


def test_an_output_reports_the_wall_time_of_its_batch(generator):
    outputs = generator.generate([chat("A mug."), chat("A cup.")], max_new_tokens=NEW_TOKENS)

    assert outputs[0].seconds == outputs[1].seconds > 0


def test_an_explicit_dtype_loads_the_weights_in_it(tiny_model_dir):
    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="bf16")

    assert (generator.dtype, generator.model.dtype) == ("bfloat16", torch.bfloat16)


@pytest.mark.parametrize(
    ("device", "native_bf16", "expected"),
    [
        ("cuda", False, "bfloat16"),
        ("cuda:1", False, "bfloat16"),
        ("cpu", False, "float32/bfloat16"),
        ("cpu", True, "bfloat16"),
    ],
)
def test_the_default_dtype_is_bf16_on_cuda_and_on_native_bf16_cpus_and_split_precision_on_other_cpus(
    device, native_bf16, expected, monkeypatch
):
    monkeypatch.delenv("GENERATION_DTYPE", raising=False)
    monkeypatch.setattr(precision, "native_bf16_cpu", lambda: native_bf16)

    assert precision.default_dtype(device) == expected


@pytest.mark.parametrize(
    ("avx512_bf16", "amx", "onednn_bf16", "expected"),
    [
        (False, False, True, False),  # AVX-512 without bf16 dot products: oneDNN emulates them
        (True, False, False, False),
        (True, False, True, True),
        (False, True, True, True),
    ],
)
def test_a_cpu_counts_as_native_bf16_only_with_the_instructions_and_onednn_using_them(
    avx512_bf16, amx, onednn_bf16, expected, monkeypatch
):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: onednn_bf16)

    assert precision.native_bf16_cpu() is expected


def test_generation_dtype_in_the_environment_overrides_the_default(monkeypatch):
    monkeypatch.setenv("GENERATION_DTYPE", "fp32")

    assert precision.default_dtype("cuda") == "float32"


def test_the_cpu_thread_count_comes_from_generation_num_threads(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("GENERATION_NUM_THREADS", "3")
    threads_before = torch.get_num_threads()
    try:
        TextGenerator(str(tiny_model_dir), device="cpu")
        threads = torch.get_num_threads()
    finally:
        torch.set_num_threads(threads_before)

    assert threads == 3


def test_a_missing_model_directory_raises_model_not_available_saying_to_run_prepare_model(tmp_path):
    with pytest.raises(ModelNotAvailable, match="manage.py prepare_model"):
        TextGenerator(str(tmp_path / "no-such-model"))


def test_a_directory_without_model_files_raises_model_not_available(tmp_path):
    with pytest.raises(ModelNotAvailable, match="manage.py prepare_model"):
        TextGenerator(str(tmp_path))


def test_get_generator_loads_the_model_once_and_then_returns_the_same_generator(
    tiny_model_dir, fresh_generator_cache, monkeypatch
):
    loads = []
    load = loader.AutoModelForCausalLM.from_pretrained

    def counting_load(*args, **kwargs):
        loads.append(args)
        return load(*args, **kwargs)

    monkeypatch.setattr(loader.AutoModelForCausalLM, "from_pretrained", counting_load)

    first = get_generator(str(tiny_model_dir), batch_size=4, seed=1)
    second = get_generator(str(tiny_model_dir), batch_size=4, seed=1)

    assert (second is first, len(loads)) == (True, 1)


def test_importing_the_engine_never_touches_cuda():
    """A Celery parent imports task modules before forking; CUDA must stay uninitialised."""
    trap = (
        "import torch\n"
        "def touched(*args, **kwargs):\n"
        "    raise SystemExit('CUDA was touched at import time')\n"
        "for name in ('is_available', 'device_count', 'init', '_lazy_init', 'current_device'):\n"
        "    setattr(torch.cuda, name, touched)\n"
        "import generation.inference\n"
    )

    result = subprocess.run([sys.executable, "-c", trap], cwd=ROOT, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_importing_the_engine_first_makes_openmp_threads_sleep_instead_of_spinning():
    environment = {name: value for name, value in os.environ.items() if name != "OMP_WAIT_POLICY"}
    probe = "import generation.inference, os; print(os.environ['OMP_WAIT_POLICY'])"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert result.stdout.strip() == "PASSIVE", result.stderr
