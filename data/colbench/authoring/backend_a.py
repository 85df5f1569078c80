"""Backend ColBench tasks be-train-001..080 (authoring format: see README.md).

Each request is what a person says first: vague on purpose. The ground truth carries the personal
details (rates, thresholds, rounding, field names, tie-breaks) an agent has to ask about.
"""

TASKS = [
    {
        "id": "be-train-001",
        "request": "I want a python function that works out the late fee for a library book. "
        "Can you write it for me?",
        "ground_truth": """
            def library_late_fee(days_late, is_child):
                if days_late <= 3:
                    return 0.0
                fee = (days_late - 3) * 0.25
                if is_child:
                    fee = fee / 2
                return round(min(fee, 10.0), 2)
        """,
        "tests": [
            "library_late_fee(0, False)",
            "library_late_fee(3, False)",
            "library_late_fee(4, False)",
            "library_late_fee(4, True)",
            "library_late_fee(10, False)",
            "library_late_fee(10, True)",
            "library_late_fee(43, False)",
            "library_late_fee(43, True)",
            "library_late_fee(100, False)",
            "library_late_fee(17, True)",
        ],
    },
    {
        "id": "be-train-002",
        "request": "I need a python function that turns a percentage score into a letter grade "
        "for my class.",
        "ground_truth": """
            def letter_grade(score):
                score = round(score)
                if score >= 93:
                    return 'A'
                if score >= 85:
                    return 'B'
                if score >= 77:
                    return 'C'
                if score >= 70:
                    return 'D'
                return 'F'
        """,
        "tests": [
            "letter_grade(100)",
            "letter_grade(93)",
            "letter_grade(92.4)",
            "letter_grade(92.6)",
            "letter_grade(85)",
            "letter_grade(80)",
            "letter_grade(77)",
            "letter_grade(72.5)",
            "letter_grade(69.4)",
            "letter_grade(12)",
        ],
    },
    {
        "id": "be-train-003",
        "request": "Can you write a python function that tells me what shipping costs for a "
        "parcel? I ship stuff from my little online shop.",
        "ground_truth": """
            def shipping_cost(weight_kg, express):
                import math

                if weight_kg <= 0.5:
                    cost = 3.5
                elif weight_kg <= 2:
                    cost = 6.0
                else:
                    cost = 6.0 + 1.8 * math.ceil(weight_kg - 2)
                if express:
                    cost = cost * 1.5 + 2
                return round(cost, 2)
        """,
        "tests": [
            "shipping_cost(0.2, False)",
            "shipping_cost(0.5, False)",
            "shipping_cost(0.51, False)",
            "shipping_cost(2, False)",
            "shipping_cost(2.1, False)",
            "shipping_cost(5, False)",
            "shipping_cost(0.3, True)",
            "shipping_cost(2, True)",
            "shipping_cost(7.5, True)",
            "shipping_cost(12, False)",
        ],
    },
]
