"""The deterministic backend simulator: facts from the hidden function, retrieval, threshold."""

import pytest
from scripted_agent import one_torch_thread

from training.colbench.simulators.backend_oracle import (
    BackendOracleSimulator,
    calibrate,
    load_calibration,
    split_questions,
)
from training.colbench.simulators.code_facts import function_facts
from training.colbench.tasks import Task

LATE_FEE = (
    "def library_late_fee(days_late, is_child):\n"
    "    if days_late <= 3:\n"
    "        return 0.0\n"
    "    fee = (days_late - 3) * 0.25\n"
    "    if is_child:\n"
    "        fee = fee / 2\n"
    "    return round(min(fee, 10.0), 2)\n"
)
TASK = Task("be-1", "backend", "I want a function for library late fees.", LATE_FEE, {"t": "x"})


_one_torch_thread = pytest.fixture(scope="module", autouse=True)(one_torch_thread)


@pytest.fixture(scope="module")
def oracle():
    return BackendOracleSimulator()  # MiniLM, loaded once per process


def test_signature_fact_names_the_function_and_arguments_in_order():
    facts = function_facts("def f(a, b, rate=0.2):\n    return a")
    assert facts[0].text == "The function is called f and takes a, b, rate, in that order."
    assert "If rate is not given, it defaults to 0.2." in [f.text for f in facts]


def test_nested_statements_carry_their_condition_in_plain_words():
    texts = [f.text for f in function_facts(LATE_FEE)]
    assert "If days_late is at most 3, the result is 0.0." in texts
    assert "If is_child, fee is fee / 2." in texts
    assert any("capped at a maximum of 10.0" in t and "rounded to 2 decimals" in t for t in texts)


def test_else_branch_states_the_opposite_condition():
    source = "def f(w):\n    if w <= 2:\n        c = 6\n    else:\n        c = 9\n    return c"
    assert "If w is more than 2, c is 9." in [f.text for f in function_facts(source)]


TIP = (
    "def tip_amount(bill, service):\n"
    "    rates = {'poor': 0.05, 'ok': 0.12, 'great': 0.2}\n"
    "    tip = bill * rates.get(service, 0.12)\n"
    "    return round(max(tip, 2.0), 2)"
)


def test_dictionary_literal_is_rendered_as_a_table():
    texts = [f.text for f in function_facts(TIP)]
    assert "rates maps 'poor' → 0.05, 'ok' → 0.12, 'great' → 0.2." in texts


def test_each_table_row_is_also_its_own_fact():
    assert "For 'great', rates gives 0.2." in [f.text for f in function_facts(TIP)]


def test_default_of_a_dict_get_is_stated():
    texts = [f.text for f in function_facts(TIP)]
    assert "If service is not one of the keys of rates, the default 0.12 is used." in texts


def test_min_of_max_is_said_as_a_range():
    source = "def f(x):\n    return min(max(x, 0), 80)"
    assert "kept between 0 and 80 (at least 0, at most 80)" in function_facts(source)[-1].text


def test_tuple_of_constants_becomes_one_fact_per_name():
    texts = [f.text for f in function_facts("def f(x):\n    low, high = 200, 500\n    return x")]
    assert "low is 200." in texts and "high is 500." in texts


def test_local_names_in_conditions_are_split_but_arguments_and_quoted_text_are_not():
    source = (
        "def f(code):\n    max_len = 3\n"
        "    if len(code) > max_len and code == 'A_B':\n        return 1"
    )
    texts = [f.text for f in function_facts(source)]
    assert "If the length of code is more than max len and code is 'A_B', the result is 1." in texts


def test_ground_truth_that_does_not_parse_falls_back_to_lines():
    facts = function_facts("def broken(:\n    return 1\n")
    assert [f.text for f in facts] == ["def broken(:", "return 1"]


def test_questions_are_split_out_of_a_message():
    message = "Thanks. What is the daily fee? And is there a cap?\nI will code it."
    assert split_questions(message) == ["What is the daily fee?", "And is there a cap?"]
    assert split_questions("Tell me about fees.") == ["Tell me about fees."]


def test_oracle_answers_with_the_matching_hidden_detail(oracle):
    reply = oracle.reply("How much is charged for each day late?", TASK)
    assert "0.25" in reply


def test_oracle_says_it_does_not_know_for_off_topic_questions(oracle):
    assert oracle.reply("Which database does your library use?", TASK) == "I don't know."


def test_reply_holds_at_most_two_facts_and_fits_the_limit(oracle):
    reply = oracle.reply("Is there a cap? Do children pay less? What after 3 days? Rounding?", TASK)
    sentences = [s for s in reply.split(". ") if s]
    assert 1 <= len(sentences) <= 2
    assert len(reply) <= 400


def test_oracle_is_deterministic(oracle):
    question = "Do children pay a different fee?"
    assert oracle.reply(question, TASK) == oracle.reply(question, TASK)


def test_default_threshold_is_accurate_on_the_held_out_questions(oracle):
    heldout = load_calibration(split="heldout")
    assert len(heldout) >= 60
    accuracy = calibrate(oracle, heldout, [oracle.threshold])[oracle.threshold]
    assert accuracy >= 0.7


def test_calibration_questions_come_from_bundled_train_tasks_only():
    import json

    from training.paths import bundled_tasks_dir

    path = bundled_tasks_dir() / "backend" / "train.jsonl"
    train = {json.loads(line)["id"]: json.loads(line) for line in path.read_text().splitlines()}
    rows = [row for row in load_calibration() if row["task"] != "handwritten"]
    assert len(rows) >= 120
    assert all(train[row["task"]]["ground_truth"] == row["ground_truth"] for row in rows)


def test_bm25_fallback_answers_a_question_sharing_words_with_a_fact():
    oracle = BackendOracleSimulator("bm25")
    assert "is_child" in oracle.reply("Is a child charged differently?", TASK)
    assert oracle.reply("Which database do you use?", TASK) == "I don't know."


CLAMP = (
    "def clamp_reading(value):\n"
    "    lowest = -11\n"
    "    highest = 40\n"
    "    return max(lowest, min(highest, value))\n"
)


def test_bm25_fallback_answers_a_detail_whose_name_is_in_half_of_the_facts():
    # `lowest` is in 2 of the 4 facts: Okapi's IDF weighs it 0 and every fact scored 0.
    task = Task("clamp", "backend", "Clamp a sensor reading.", CLAMP, {"t": "x"})
    assert "lowest is -11." in BackendOracleSimulator("bm25").reply(
        "What is the lowest allowed value?", task
    )


def test_bm25_fallback_spells_out_abbreviated_identifiers():
    source = "def fee(hours):\n    max_fee = 30\n    return min(hours * 4, max_fee)\n"
    task = Task("fee", "backend", "Parking fee.", source, {"t": "x"})
    assert "30" in BackendOracleSimulator("bm25").reply("Is there a maximum charge?", task)


def test_unknown_retriever_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown retriever"):
        BackendOracleSimulator("tfidf")
