"""Backend tasks be-train-081..100 and be-test-001..020 (format: see README.md in this folder).

Each request is what a person would say first; each ground truth carries the personal details
(thresholds, rates, rounding, formats, edge-case rules) that the agent has to ask about.
"""

TASKS = [
    {
        "id": "be-train-081",
        "request": (
            "I keep forgetting to water my plants. I want a python function that tells me how "
            "many days I have left before a plant needs water again."
        ),
        "ground_truth": """
            def days_until_watering(plant_type, days_since_watered, humid=False):
                intervals = {"succulent": 14, "cactus": 21, "fern": 3, "orchid": 7}
                interval = intervals.get(plant_type.lower(), 5)
                if humid:
                    interval += 2
                return max(interval - days_since_watered, 0)
        """,
        "tests": [
            "days_until_watering('succulent', 4)",
            "days_until_watering('Cactus', 10)",
            "days_until_watering('fern', 1)",
            "days_until_watering('fern', 1, True)",
            "days_until_watering('orchid', 9)",
            "days_until_watering('orchid', 7, humid=True)",
            "days_until_watering('basil', 2)",
            "days_until_watering('monstera', 0, True)",
            "days_until_watering('cactus', 0)",
            "days_until_watering('succulent', 14, humid=True)",
        ],
    },
    {
        "id": "be-train-082",
        "request": (
            "I lift at a small gym and hate doing plate math. I want a python function that tells "
            "me which plates to put on each side of the bar for a given total weight."
        ),
        "ground_truth": """
            def plates_per_side(total_kg, bar_kg=20):
                plates = [20, 15, 10, 5, 2.5, 1.25]
                remaining = (total_kg - bar_kg) / 2
                if remaining <= 0:
                    return []
                loaded = []
                for plate in plates:
                    while remaining >= plate - 1e-9:
                        loaded.append(plate)
                        remaining -= plate
                return loaded
        """,
        "tests": [
            "plates_per_side(100)",
            "plates_per_side(60)",
            "plates_per_side(20)",
            "plates_per_side(15)",
            "plates_per_side(72.5)",
            "plates_per_side(143)",
            "plates_per_side(70, bar_kg=15)",
            "plates_per_side(25)",
            "plates_per_side(120)",
            "plates_per_side(87.5)",
        ],
    },
    {
        "id": "be-train-083",
        "request": (
            "I bake sourdough every weekend. I want a python function that tells me how much to "
            "feed my starter."
        ),
        "ground_truth": """
            def starter_feed(starter_g, ratio=5):
                flour = starter_g * ratio
                rye = int(round(flour * 0.2))
                water = int(round(flour * 0.8))
                return {"rye": rye, "white": int(round(flour)) - rye, "water": water}
        """,
        "tests": [
            "starter_feed(20)",
            "starter_feed(50)",
            "starter_feed(10, 2)",
            "starter_feed(15, ratio=3)",
            "starter_feed(0)",
            "starter_feed(33)",
            "starter_feed(25, 1)",
            "starter_feed(12.5)",
            "starter_feed(40, 4)",
            "starter_feed(7)",
        ],
    },
    {
        "id": "be-train-084",
        "request": (
            "I'm building a sign-up form. I want a python function that labels how strong a "
            "password is."
        ),
        "ground_truth": """
            def password_strength(password):
                if "password" in password.lower() or len(password) < 6:
                    return "weak"
                score = 0
                if len(password) >= 12:
                    score += 2
                elif len(password) >= 8:
                    score += 1
                if any(ch.isdigit() for ch in password):
                    score += 1
                if any(ch.isupper() for ch in password) and any(ch.islower() for ch in password):
                    score += 1
                if any(not ch.isalnum() for ch in password):
                    score += 1
                if score >= 5:
                    return "strong"
                if score >= 3:
                    return "medium"
                return "weak"
        """,
        "tests": [
            "password_strength('abc')",
            "password_strength('abcdefgh')",
            "password_strength('Abcdefg1')",
            "password_strength('Abcdefgh1!')",
            "password_strength('Abcdefghijk1!')",
            "password_strength('MyPassword123!')",
            "password_strength('correcthorsebattery')",
            "password_strength('Tr0ub4dor&3x')",
            "password_strength('Ab1!xy')",
            "password_strength('ab1!xyzw')",
        ],
    },
    {
        "id": "be-train-085",
        "request": (
            "Most of my recipes come from British sites and my oven is American. Can you write a "
            "python function that gives me the number to set the oven dial to?"
        ),
        "ground_truth": """
            def oven_dial(celsius, fan_recipe=False):
                if fan_recipe:
                    celsius += 20
                fahrenheit = celsius * 9 / 5 + 32
                dial = int(fahrenheit / 25 + 0.5) * 25
                return min(max(dial, 200), 500)
        """,
        "tests": [
            "oven_dial(180)",
            "oven_dial(180, True)",
            "oven_dial(200)",
            "oven_dial(160, fan_recipe=True)",
            "oven_dial(220)",
            "oven_dial(50)",
            "oven_dial(300)",
            "oven_dial(150)",
            "oven_dial(240, True)",
            "oven_dial(175)",
        ],
    },
    {
        "id": "be-train-086",
        "request": (
            "I log my work in a notes app with short durations like '2h 15m'. I want a python "
            "function that turns those strings into a number of minutes."
        ),
        "ground_truth": """
            def to_minutes(text):
                import re
                text = text.strip().lower()
                if not text:
                    return 0
                if re.fullmatch(r"\\d+(\\.\\d+)?", text):
                    return int(round(float(text) * 60))
                units = {"d": 480, "h": 60, "m": 1}
                total = 0.0
                for amount, unit in re.findall(r"(\\d+(?:\\.\\d+)?)\\s*([dhm])", text):
                    total += float(amount) * units[unit]
                return int(round(total))
        """,
        "tests": [
            "to_minutes('2h 15m')",
            "to_minutes('45m')",
            "to_minutes('1d')",
            "to_minutes('1d 2h')",
            "to_minutes('3')",
            "to_minutes('1.5')",
            "to_minutes('')",
            "to_minutes('1.5h')",
            "to_minutes(' 2H30M ')",
            "to_minutes('0.5d 10m')",
        ],
    },
    {
        "id": "be-train-087",
        "request": (
            "I run a small blog and want to show readers an estimate at the top of each post. "
            "Can you write a python function for the reading time?"
        ),
        "ground_truth": """
            def reading_time(text):
                import math
                images = text.count("[img]")
                words = [w for w in text.replace("[img]", " ").split() if w]
                seconds = len(words) / 230 * 60 + images * 12
                return max(1, math.ceil(seconds / 60))
        """,
        "tests": [
            "reading_time('')",
            "reading_time('hello world')",
            "reading_time(' '.join(['word'] * 230))",
            "reading_time(' '.join(['word'] * 231))",
            "reading_time(' '.join(['word'] * 1000))",
            "reading_time('[img] ' * 5)",
            "reading_time(' '.join(['word'] * 220) + ' [img]')",
            "reading_time(' '.join(['w'] * 460) + ' [img][img]')",
            "reading_time('[img]' * 10 + ' ' + ' '.join(['w'] * 100))",
            "reading_time(' '.join(['word'] * 2300))",
        ],
    },
    {
        "id": "be-train-088",
        "request": (
            "I run the rating list for our chess club. I want a python function that gives a "
            "player's new rating after a game."
        ),
        "ground_truth": """
            def new_rating(rating, opponent, score, games_played):
                if games_played < 30:
                    k = 40
                elif rating < 2100:
                    k = 24
                else:
                    k = 12
                expected = 1 / (1 + 10 ** ((opponent - rating) / 400))
                return int(round(rating + k * (score - expected)))
        """,
        "tests": [
            "new_rating(1500, 1500, 1, 10)",
            "new_rating(1500, 1500, 0.5, 50)",
            "new_rating(1500, 1700, 1, 50)",
            "new_rating(1800, 1600, 0, 29)",
            "new_rating(1800, 1600, 0, 30)",
            "new_rating(2100, 2000, 1, 100)",
            "new_rating(2099, 2200, 0.5, 100)",
            "new_rating(2300, 2300, 0, 200)",
            "new_rating(1200, 2000, 1, 5)",
            "new_rating(2400, 1900, 1, 300)",
        ],
    },
    {
        "id": "be-train-089",
        "request": (
            "I sell ceramics online and ship everything myself. I want a python function that "
            "picks which box to use for an item."
        ),
        "ground_truth": """
            def choose_box(length, width, height):
                boxes = [("S", (20, 15, 10)), ("M", (30, 25, 20)), ("L", (45, 35, 30))]
                padding = 2
                item = sorted([length + 2 * padding, width + 2 * padding, height + 2 * padding])
                for name, dims in boxes:
                    if all(i <= d for i, d in zip(item, sorted(dims))):
                        return name
                return "custom"
        """,
        "tests": [
            "choose_box(10, 8, 5)",
            "choose_box(16, 11, 6)",
            "choose_box(17, 11, 6)",
            "choose_box(6, 16, 11)",
            "choose_box(26, 21, 16)",
            "choose_box(26, 22, 16)",
            "choose_box(40, 30, 20)",
            "choose_box(41, 31, 26)",
            "choose_box(42, 10, 10)",
            "choose_box(5, 5, 40)",
        ],
    },
    {
        "id": "be-train-090",
        "request": (
            "I track my sleep in a spreadsheet. I want a python function that gives each night a "
            "sleep score."
        ),
        "ground_truth": """
            def sleep_score(hours, awakenings):
                score = min(hours / 8, 1) * 100
                score -= 7 * max(awakenings - 1, 0)
                if hours > 10:
                    score -= 10
                return max(int(score), 0)
        """,
        "tests": [
            "sleep_score(8, 0)",
            "sleep_score(8, 1)",
            "sleep_score(8, 3)",
            "sleep_score(6, 0)",
            "sleep_score(7.5, 2)",
            "sleep_score(10, 0)",
            "sleep_score(11, 1)",
            "sleep_score(4, 9)",
            "sleep_score(9, 4)",
            "sleep_score(0, 0)",
        ],
    },
    {
        "id": "be-train-091",
        "request": (
            "I teach high school chemistry and the last test was too hard. I want a python "
            "function that curves a list of scores."
        ),
        "ground_truth": """
            def curve_scores(scores):
                if not scores:
                    return []
                boost = min(100 - max(scores), 15)
                boost = max(boost, 0)
                return [min(int(s + boost + 0.5), 100) for s in scores]
        """,
        "tests": [
            "curve_scores([])",
            "curve_scores([90, 80, 70])",
            "curve_scores([60, 50, 40])",
            "curve_scores([85, 85])",
            "curve_scores([100, 20])",
            "curve_scores([72.5, 64.4, 81.0])",
            "curve_scores([84, 30, 0])",
            "curve_scores([50])",
            "curve_scores([95.5, 40.2])",
            "curve_scores([86, 79, 91])",
        ],
    },
    {
        "id": "be-train-092",
        "request": (
            "I'm making name badges for a conference. Can you write a python function that turns "
            "a full name into initials?"
        ),
        "ground_truth": """
            def initials(full_name):
                particles = {"van", "de", "von", "der", "la", "da", "di"}
                letters = []
                for word in full_name.split():
                    if word.lower() in particles:
                        continue
                    for part in word.split("-"):
                        if part:
                            letters.append(part[0].upper())
                if len(letters) > 3:
                    letters = letters[:2] + letters[-1:]
                return "".join(letters)
        """,
        "tests": [
            "initials('Ada Lovelace')",
            "initials('ludwig van beethoven')",
            "initials('Jean-Paul Sartre')",
            "initials('Maria de la Cruz')",
            "initials('John Ronald Reuel Tolkien')",
            "initials('Vincent Willem van Gogh')",
            "initials('Anne-Marie Smith-Jones')",
            "initials('  prince  ')",
            "initials('Leonardo da Vinci')",
            "initials('')",
        ],
    },
    {
        "id": "be-train-093",
        "request": (
            "My calendar is a mess. I want a python function that finds the first free slot in my "
            "day for a meeting of a given length."
        ),
        "ground_truth": """
            def first_free_slot(busy, duration, day_start=540, day_end=1050):
                blocked = [(720, 780)] + [(s, e + 10) for s, e in busy]
                blocked.sort()
                start = day_start
                for s, e in blocked:
                    if s - start >= duration:
                        break
                    start = max(start, e)
                if start + duration <= day_end:
                    return start
                return None
        """,
        "tests": [
            "first_free_slot([], 30)",
            "first_free_slot([[540, 600]], 30)",
            "first_free_slot([[540, 600], [610, 700]], 30)",
            "first_free_slot([[540, 700]], 30)",
            "first_free_slot([[540, 700]], 10)",
            "first_free_slot([[540, 710]], 30)",
            "first_free_slot([[540, 1000]], 60)",
            "first_free_slot([[540, 1000]], 40)",
            "first_free_slot([], 200)",
            "first_free_slot([[600, 660]], 45, day_start=480)",
        ],
    },
    {
        "id": "be-train-094",
        "request": (
            "I just got a road bike with a cadence sensor but no speed sensor. I want a python "
            "function that estimates my speed from cadence and the gears I'm in."
        ),
        "ground_truth": """
            def bike_speed(cadence, chainring, cog):
                wheel_m = 2.105
                meters_per_minute = cadence * chainring / cog * wheel_m
                return round(meters_per_minute * 60 / 1000, 1)
        """,
        "tests": [
            "bike_speed(90, 50, 17)",
            "bike_speed(90, 34, 28)",
            "bike_speed(60, 50, 11)",
            "bike_speed(0, 50, 17)",
            "bike_speed(100, 52, 13)",
            "bike_speed(75, 39, 21)",
            "bike_speed(110, 34, 34)",
            "bike_speed(85, 46, 16)",
            "bike_speed(120, 53, 11)",
            "bike_speed(70, 36, 25)",
        ],
    },
    {
        "id": "be-train-095",
        "request": (
            "My power company's bills confuse me. I want a python function that works out my "
            "monthly electricity bill from the kWh I used."
        ),
        "ground_truth": """
            def electricity_bill(kwh, month):
                upper_rate = 0.22 if month in (6, 7, 8) else 0.18
                first = min(kwh, 300)
                rest = max(kwh - 300, 0)
                return round(9.5 + first * 0.12 + rest * upper_rate, 2)
        """,
        "tests": [
            "electricity_bill(0, 1)",
            "electricity_bill(100, 3)",
            "electricity_bill(300, 11)",
            "electricity_bill(301, 11)",
            "electricity_bill(500, 2)",
            "electricity_bill(500, 7)",
            "electricity_bill(450, 6)",
            "electricity_bill(450, 9)",
            "electricity_bill(1234, 8)",
            "electricity_bill(250.5, 5)",
        ],
    },
    {
        "id": "be-train-096",
        "request": (
            "Customers type their phone numbers into my booking form in all sorts of ways. Can "
            "you write a python function that cleans a phone number up?"
        ),
        "ground_truth": """
            def normalize_phone(raw):
                digits = "".join(ch for ch in raw if ch.isdigit())
                if len(digits) == 11 and digits.startswith("1"):
                    digits = digits[1:]
                if len(digits) != 10:
                    return "invalid"
                return "(" + digits[:3] + ") " + digits[3:6] + "-" + digits[6:]
        """,
        "tests": [
            "normalize_phone('555-123-4567')",
            "normalize_phone('(555) 123 4567')",
            "normalize_phone('+1 555 123 4567')",
            "normalize_phone('15551234567')",
            "normalize_phone('25551234567')",
            "normalize_phone('123-4567')",
            "normalize_phone('')",
            "normalize_phone('555.987.6543')",
            "normalize_phone('call me: 212 555 0000')",
            "normalize_phone('+44 20 7946 0958')",
        ],
    },
    {
        "id": "be-train-097",
        "request": (
            "I cook for different numbers of people every week. I want a python function that "
            "scales my recipes."
        ),
        "ground_truth": """
            def scale_recipe(ingredients, from_servings, to_servings):
                import math
                factor = to_servings / from_servings
                scaled = {}
                for name, amount in ingredients.items():
                    value = amount * factor
                    if "egg" in name.lower():
                        scaled[name] = math.ceil(value)
                    elif value == 0:
                        scaled[name] = 0
                    else:
                        scaled[name] = max(5, int(value / 5 + 0.5) * 5)
                return scaled
        """,
        "tests": [
            "scale_recipe({'flour': 200, 'sugar': 100}, 4, 8)",
            "scale_recipe({'flour': 250, 'eggs': 3}, 4, 2)",
            "scale_recipe({'butter': 113, 'eggs': 2}, 4, 6)",
            "scale_recipe({'salt': 3}, 4, 2)",
            "scale_recipe({'rice': 300, 'Egg yolks': 1}, 2, 3)",
            "scale_recipe({'milk': 0, 'oats': 90}, 3, 5)",
            "scale_recipe({}, 4, 10)",
            "scale_recipe({'pasta': 500, 'garlic': 12}, 4, 1)",
            "scale_recipe({'cocoa': 37}, 6, 6)",
            "scale_recipe({'flour': 180, 'eggs': 1}, 6, 4)",
        ],
    },
    {
        "id": "be-train-098",
        "request": (
            "I manage the stockroom of a hardware shop. I want a python function that tells me "
            "how much of an item to reorder."
        ),
        "ground_truth": """
            def reorder_quantity(on_hand, daily_use, lead_days):
                import math
                reorder_point = daily_use * (lead_days + 3)
                if on_hand >= reorder_point:
                    return 0
                target = daily_use * 30
                needed = max(target - on_hand, 0)
                return math.ceil(needed / 12) * 12
        """,
        "tests": [
            "reorder_quantity(100, 2, 5)",
            "reorder_quantity(16, 2, 5)",
            "reorder_quantity(15, 2, 5)",
            "reorder_quantity(0, 10, 7)",
            "reorder_quantity(40, 5, 4)",
            "reorder_quantity(34, 5, 4)",
            "reorder_quantity(0, 0, 3)",
            "reorder_quantity(9, 1, 7)",
            "reorder_quantity(50, 4, 10)",
            "reorder_quantity(11, 3, 1)",
        ],
    },
    {
        "id": "be-train-099",
        "request": (
            "My friends and I rate movies we watch together. Can you write a python function that "
            "turns everyone's ratings into one overall star rating?"
        ),
        "ground_truth": """
            def overall_stars(ratings):
                if not ratings:
                    return 0.0
                values = sorted(ratings)
                if len(values) >= 5:
                    values = values[1:-1]
                mean = sum(values) / len(values)
                return int(mean / 2 * 2 + 0.5) / 2
        """,
        "tests": [
            "overall_stars([])",
            "overall_stars([10])",
            "overall_stars([7, 8])",
            "overall_stars([6, 7, 8, 9])",
            "overall_stars([1, 7, 7, 7, 10])",
            "overall_stars([2, 2, 2, 2, 10])",
            "overall_stars([5, 6])",
            "overall_stars([3, 4, 4, 5, 9, 10])",
            "overall_stars([9, 9, 10, 10, 10])",
            "overall_stars([1, 1, 1])",
        ],
    },
    {
        "id": "be-train-100",
        "request": (
            "I want to see what words I overuse in my essays. I want a python function that lists "
            "my most frequent words."
        ),
        "ground_truth": """
            def top_words(text, n=3):
                import string
                stop = {"the", "and", "for", "with", "that", "this", "was"}
                cleaned = text.lower().translate(str.maketrans("", "", string.punctuation))
                counts = {}
                for word in cleaned.split():
                    if len(word) < 3 or word in stop:
                        continue
                    counts[word] = counts.get(word, 0) + 1
                ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                return [[word, count] for word, count in ranked[:n]]
        """,
        "tests": [
            "top_words('')",
            "top_words('the cat and the hat')",
            "top_words('Zebra apple zebra apple mango', 2)",
            "top_words('It is so so so good, good!')",
            "top_words('This was the best day. The best!', 1)",
            "top_words('Run, run, RUN. Walk walk. Sit.')",
            "top_words('data data data model model code', 5)",
            "top_words('with that for with that for okay')",
            "top_words('b a c bb aa cc bbb aaa ccc')",
            "top_words(\"don't don't dont can't\")",
        ],
    },
    # ----------------------------------------------------------------- test split
    {
        "id": "be-test-001",
        "request": (
            "I own a small parking lot downtown. I want a python function that calculates what "
            "a driver owes when they leave."
        ),
        "ground_truth": """
            def parking_fee(minutes, weekend=False):
                import math
                if minutes <= 30:
                    return 0.0
                if weekend:
                    return 5.0
                hours = math.ceil(minutes / 60)
                return min(hours * 2.5, 18.0)
        """,
        "tests": [
            "parking_fee(30)",
            "parking_fee(31)",
            "parking_fee(60)",
            "parking_fee(61)",
            "parking_fee(175)",
            "parking_fee(400)",
            "parking_fee(1000)",
            "parking_fee(45, weekend=True)",
            "parking_fee(600, True)",
            "parking_fee(20, True)",
        ],
    },
    {
        "id": "be-test-002",
        "request": (
            "My running watch only shows distance and total time. Can you write a python "
            "function that gives me my pace?"
        ),
        "ground_truth": """
            def pace_per_km(miles, total_seconds):
                if miles <= 0:
                    return "--:--"
                km = miles * 1.609344
                seconds = int(round(total_seconds / km))
                return str(seconds // 60) + ":" + str(seconds % 60).zfill(2)
        """,
        "tests": [
            "pace_per_km(3.1, 1500)",
            "pace_per_km(1, 600)",
            "pace_per_km(0, 600)",
            "pace_per_km(26.2, 14400)",
            "pace_per_km(6.2, 3000)",
            "pace_per_km(1, 240)",
            "pace_per_km(13.1, 6300)",
            "pace_per_km(-1, 100)",
            "pace_per_km(5, 2700)",
            "pace_per_km(0.5, 200)",
        ],
    },
    {
        "id": "be-test-003",
        "request": (
            "I roast coffee and sell subscriptions. I want a python function that prices a "
            "customer's subscription."
        ),
        "ground_truth": """
            def subscription_price(bags_per_month, months):
                monthly = bags_per_month * 14.0
                if bags_per_month >= 3:
                    monthly *= 0.9
                shipping = 0.0 if monthly > 40 else 4.95
                total = (monthly + shipping) * months
                if months >= 12:
                    total *= 0.95
                return round(total, 2)
        """,
        "tests": [
            "subscription_price(1, 1)",
            "subscription_price(2, 1)",
            "subscription_price(3, 1)",
            "subscription_price(4, 1)",
            "subscription_price(1, 12)",
            "subscription_price(3, 12)",
            "subscription_price(2, 6)",
            "subscription_price(5, 11)",
            "subscription_price(0, 3)",
            "subscription_price(6, 24)",
        ],
    },
    {
        "id": "be-test-004",
        "request": (
            "I rent out two apartments. I want a python function that tells me how much of the "
            "security deposit to give back when a tenant moves out."
        ),
        "ground_truth": """
            def deposit_refund(deposit, damages, months_stayed):
                deductions = sum(damages)
                if months_stayed < 6:
                    deductions += 75
                interest = deposit * 0.01 * (months_stayed // 12)
                return round(max(deposit + interest - deductions, 0.0), 2)
        """,
        "tests": [
            "deposit_refund(1000, [], 12)",
            "deposit_refund(1000, [], 5)",
            "deposit_refund(1000, [], 6)",
            "deposit_refund(1200, [150, 80.5], 24)",
            "deposit_refund(800, [900], 30)",
            "deposit_refund(500, [100], 3)",
            "deposit_refund(1500, [], 35)",
            "deposit_refund(1500, [], 36)",
            "deposit_refund(950, [20, 30, 40], 11)",
            "deposit_refund(60, [], 2)",
        ],
    },
    {
        "id": "be-test-005",
        "request": (
            "I organise a five-a-side football league. Can you write a python function that "
            "produces the league table from the match results?"
        ),
        "ground_truth": """
            def league_table(results):
                stats = {}
                for home, away, home_goals, away_goals in results:
                    for team in (home, away):
                        stats.setdefault(team, [0, 0])
                    stats[home][1] += home_goals - away_goals
                    stats[away][1] += away_goals - home_goals
                    if home_goals > away_goals:
                        stats[home][0] += 3
                    elif home_goals < away_goals:
                        stats[away][0] += 3
                    else:
                        stats[home][0] += 1
                        stats[away][0] += 1
                order = sorted(stats, key=lambda t: (-stats[t][0], -stats[t][1], t))
                return [[team, stats[team][0]] for team in order]
        """,
        "tests": [
            "league_table([])",
            "league_table([['Lions', 'Tigers', 2, 1]])",
            "league_table([['Lions', 'Tigers', 1, 1]])",
            "league_table([['B', 'A', 0, 0]])",
            "league_table([['A', 'B', 3, 0], ['C', 'A', 1, 0], ['B', 'C', 2, 0]])",
            "league_table([['A', 'B', 1, 0], ['C', 'D', 5, 0]])",
            "league_table([['X', 'Y', 2, 2], ['Y', 'Z', 1, 3], ['Z', 'X', 0, 0]])",
            "league_table([['Red', 'Blue', 4, 3], ['Blue', 'Red', 2, 0]])",
            "league_table([['A', 'B', 0, 1], ['A', 'C', 0, 1], ['B', 'C', 2, 2]])",
            "league_table([['Owl', 'Hawk', 6, 6], ['Hawk', 'Owl', 1, 0], ['Owl', 'Jay', 1, 0]])",
        ],
    },
    {
        "id": "be-test-006",
        "request": (
            "My team is spread across several countries. I want a python function that tells me "
            "what time it is for a colleague when I know the UTC time."
        ),
        "ground_truth": """
            def local_time(utc_hour, utc_minute, city):
                offsets = {"london": 0, "berlin": 60, "new york": -300, "tokyo": 540,
                           "mumbai": 330, "sao paulo": -180}
                key = city.strip().lower()
                if key not in offsets:
                    return "unknown"
                total = (utc_hour * 60 + utc_minute + offsets[key]) % 1440
                return str(total // 60).zfill(2) + ":" + str(total % 60).zfill(2)
        """,
        "tests": [
            "local_time(12, 0, 'London')",
            "local_time(12, 0, 'berlin')",
            "local_time(3, 30, 'New York')",
            "local_time(20, 15, 'Tokyo')",
            "local_time(23, 45, 'mumbai')",
            "local_time(1, 0, 'Sao Paulo')",
            "local_time(9, 5, ' TOKYO ')",
            "local_time(10, 0, 'Paris')",
            "local_time(0, 0, 'new york')",
            "local_time(18, 40, 'Mumbai')",
        ],
    },
    {
        "id": "be-test-007",
        "request": (
            "I watch a few stocks and don't want to stare at charts. Can you write a python "
            "function that tells me whether to buy, sell or hold based on recent prices?"
        ),
        "ground_truth": """
            def price_signal(prices):
                if len(prices) < 2:
                    return "hold"
                window = prices[-6:-1]
                average = sum(window) / len(window)
                change = (prices[-1] - average) / average
                if change <= -0.08:
                    return "buy"
                if change >= 0.12:
                    return "sell"
                return "hold"
        """,
        "tests": [
            "price_signal([])",
            "price_signal([100])",
            "price_signal([100, 92])",
            "price_signal([100, 93])",
            "price_signal([100, 112])",
            "price_signal([100, 111])",
            "price_signal([50, 100, 100, 100, 100, 100, 91])",
            "price_signal([10, 10, 10, 10, 10, 10, 11.5])",
            "price_signal([200, 100, 100, 100, 100, 100, 111])",
            "price_signal([120, 110, 100, 90, 80])",
        ],
    },
    {
        "id": "be-test-008",
        "request": (
            "I run a small guesthouse. I want a python function that gives a guest the total "
            "cost of their stay."
        ),
        "ground_truth": """
            def stay_cost(check_in_weekday, nights):
                total = 0
                for i in range(nights):
                    if (i + 1) % 7 == 0:
                        continue
                    day = (check_in_weekday + i) % 7
                    total += 140 if day in (4, 5) else 110
                return round(total * 1.12, 2)
        """,
        "tests": [
            "stay_cost(0, 1)",
            "stay_cost(4, 1)",
            "stay_cost(5, 1)",
            "stay_cost(6, 1)",
            "stay_cost(3, 3)",
            "stay_cost(0, 7)",
            "stay_cost(2, 7)",
            "stay_cost(4, 14)",
            "stay_cost(1, 0)",
            "stay_cost(6, 10)",
        ],
    },
    {
        "id": "be-test-009",
        "request": (
            "I'm building my own blogging tool. Can you write a python function that turns a post "
            "title into a URL slug?"
        ),
        "ground_truth": """
            def slugify(title):
                text = title.lower().replace("&", " and ")
                out = []
                for ch in text:
                    out.append(ch if ch.isascii() and ch.isalnum() else "-")
                slug = "-".join(part for part in "".join(out).split("-") if part)
                if len(slug) > 40:
                    cut = slug[:41]
                    slug = cut[: cut.rfind("-")] if "-" in cut else slug[:40]
                return slug
        """,
        "tests": [
            "slugify('Hello World')",
            "slugify('Salt & Pepper')",
            "slugify('  --Why?? Not!!  ')",
            "slugify('Caf\\u00e9 Reviews 2024')",
            "slugify('')",
            "slugify('A very long title that keeps going and going forever')",
            "slugify('abcdefghijabcdefghijabcdefghijabcdefghijabcdef')",
            "slugify('Rock&Roll')",
            "slugify('one two three four five six seven eight nine')",
            "slugify('C++ vs. Python: 10 tips')",
        ],
    },
    {
        "id": "be-test-010",
        "request": (
            "I'm trying to drink enough water. I want a python function that tells me how much I "
            "should drink in a day."
        ),
        "ground_truth": """
            def daily_water_ml(weight_kg, exercise_minutes=0, hot_day=False):
                ml = weight_kg * 33 + exercise_minutes * 12
                if hot_day:
                    ml += 500
                ml = int(ml / 50 + 0.5) * 50
                return min(ml, 4000)
        """,
        "tests": [
            "daily_water_ml(70)",
            "daily_water_ml(60, 30)",
            "daily_water_ml(60, 30, True)",
            "daily_water_ml(85, 0, hot_day=True)",
            "daily_water_ml(100, 90)",
            "daily_water_ml(120, 60, True)",
            "daily_water_ml(52)",
            "daily_water_ml(45, 15)",
            "daily_water_ml(0)",
            "daily_water_ml(77, 45, True)",
        ],
    },
    {
        "id": "be-test-011",
        "request": (
            "I set up the hall for exams at my school. I want a python function that gives the "
            "seat label for the nth student."
        ),
        "ground_truth": """
            def seat_label(index):
                letters = [c for c in "ABCDEFGHJKLMNPQRSTUVWXYZ"]
                row, seat = divmod(index, 8)
                if row >= len(letters):
                    return "overflow"
                return letters[row] + str(seat + 1)
        """,
        "tests": [
            "seat_label(0)",
            "seat_label(7)",
            "seat_label(8)",
            "seat_label(20)",
            "seat_label(64)",
            "seat_label(71)",
            "seat_label(100)",
            "seat_label(103)",
            "seat_label(191)",
            "seat_label(192)",
        ],
    },
    {
        "id": "be-test-012",
        "request": (
            "I freelance and send invoices with different payment terms. Can you write a python "
            "function that works out when an invoice is due?"
        ),
        "ground_truth": """
            def due_date(issue_date, terms="net30"):
                import calendar
                import datetime
                issued = datetime.date.fromisoformat(issue_date)
                if terms == "eom":
                    last = calendar.monthrange(issued.year, issued.month)[1]
                    due = issued.replace(day=last)
                else:
                    due = issued + datetime.timedelta(days=int(terms[3:]))
                if due.weekday() >= 5:
                    due += datetime.timedelta(days=7 - due.weekday())
                return due.isoformat()
        """,
        "tests": [
            "due_date('2024-03-01')",
            "due_date('2024-03-01', 'net15')",
            "due_date('2024-02-10', 'eom')",
            "due_date('2023-02-10', 'eom')",
            "due_date('2024-03-04', 'net30')",
            "due_date('2024-06-01', 'eom')",
            "due_date('2024-12-20', 'net15')",
            "due_date('2024-05-02', 'net60')",
            "due_date('2024-08-05', 'eom')",
            "due_date('2024-01-06', 'net7')",
        ],
    },
    {
        "id": "be-test-013",
        "request": (
            "My family plays a dice game with our own house rules. I want a python function that "
            "scores a roll."
        ),
        "ground_truth": """
            def score_roll(dice):
                if sorted(dice) == [1, 2, 3, 4, 5, 6]:
                    return 1500
                counts = {face: dice.count(face) for face in set(dice)}
                score = 0
                for face, count in counts.items():
                    if count >= 3:
                        score += (1000 if face == 1 else face * 100) * (count - 2)
                        count = 0
                    if face == 1:
                        score += 100 * count
                    elif face == 5:
                        score += 50 * count
                return score
        """,
        "tests": [
            "score_roll([1])",
            "score_roll([5, 5])",
            "score_roll([2, 3, 4, 6])",
            "score_roll([1, 1, 1])",
            "score_roll([2, 2, 2, 5])",
            "score_roll([4, 4, 4, 4])",
            "score_roll([6, 5, 4, 3, 2, 1])",
            "score_roll([1, 5, 3, 3, 2, 6])",
            "score_roll([5, 5, 5, 5, 5])",
            "score_roll([])",
        ],
    },
    {
        "id": "be-test-014",
        "request": (
            "We're planning a road trip. Can you write a python function that estimates how much "
            "we'll spend on fuel?"
        ),
        "ground_truth": """
            def fuel_cost(km, litres_per_100km, price_per_litre):
                import math
                litres = km * 2 * litres_per_100km / 100 * 1.1
                return round(math.ceil(litres) * price_per_litre, 2)
        """,
        "tests": [
            "fuel_cost(100, 6, 1.8)",
            "fuel_cost(250, 7.5, 1.65)",
            "fuel_cost(0, 6, 1.8)",
            "fuel_cost(10, 5, 2.0)",
            "fuel_cost(500, 8.2, 1.72)",
            "fuel_cost(1200, 5.4, 1.59)",
            "fuel_cost(45, 11, 1.9)",
            "fuel_cost(300, 4.1, 2.05)",
            "fuel_cost(75, 6.6, 1.75)",
            "fuel_cost(820, 9.3, 1.61)",
        ],
    },
    {
        "id": "be-test-015",
        "request": (
            "I want to sanity-check my payslips. I want a python function that calculates my "
            "income tax for the year."
        ),
        "ground_truth": """
            def income_tax(income):
                allowance = 12000
                if income > 100000:
                    allowance = max(allowance - (income - 100000) / 2, 0)
                taxable = max(income - allowance, 0)
                basic_band = 38000
                tax = min(taxable, basic_band) * 0.2 + max(taxable - basic_band, 0) * 0.4
                return round(tax, 2)
        """,
        "tests": [
            "income_tax(0)",
            "income_tax(12000)",
            "income_tax(20000)",
            "income_tax(50000)",
            "income_tax(60000)",
            "income_tax(100000)",
            "income_tax(110000)",
            "income_tax(124000)",
            "income_tax(200000)",
            "income_tax(35500.5)",
        ],
    },
    {
        "id": "be-test-016",
        "request": (
            "I make word puzzles for my newsletter. Can you write a python function that finds "
            "the groups of anagrams in a word list?"
        ),
        "ground_truth": """
            def anagram_groups(words):
                groups = {}
                for word in words:
                    key = "".join(sorted(word.lower().replace(" ", "")))
                    groups.setdefault(key, [])
                    if word not in groups[key]:
                        groups[key].append(word)
                found = [sorted(g, key=str.lower) for g in groups.values() if len(g) >= 2]
                return sorted(found, key=lambda g: g[0].lower())
        """,
        "tests": [
            "anagram_groups([])",
            "anagram_groups(['cat', 'dog'])",
            "anagram_groups(['listen', 'silent', 'enlist'])",
            "anagram_groups(['Listen', 'silent'])",
            "anagram_groups(['dusty', 'study', 'night', 'thing', 'apple'])",
            "anagram_groups(['dormitory', 'dirty room'])",
            "anagram_groups(['tea', 'eat', 'tea', 'ate'])",
            "anagram_groups(['b', 'a', 'B'])",
            "anagram_groups(['stop', 'pots', 'tops', 'opts', 'spot', 'post'])",
            "anagram_groups(['Elvis', 'lives', 'levis', 'evil', 'vile', 'live'])",
        ],
    },
    {
        "id": "be-test-017",
        "request": (
            "I'm a homeroom teacher. I want a python function that flags students whose "
            "attendance I should worry about."
        ),
        "ground_truth": """
            def attendance_flag(present_days, total_days, late_count=0):
                if total_days == 0:
                    return "ok"
                effective = present_days - late_count // 3
                rate = effective / total_days
                if rate >= 0.9:
                    return "ok"
                if rate >= 0.8:
                    return "watch"
                return "at risk"
        """,
        "tests": [
            "attendance_flag(0, 0)",
            "attendance_flag(90, 100)",
            "attendance_flag(89, 100)",
            "attendance_flag(80, 100)",
            "attendance_flag(79, 100)",
            "attendance_flag(90, 100, 2)",
            "attendance_flag(90, 100, 3)",
            "attendance_flag(100, 100, 9)",
            "attendance_flag(45, 50, 6)",
            "attendance_flag(20, 30, 1)",
        ],
    },
    {
        "id": "be-test-018",
        "request": (
            "My file manager app shows raw byte counts. Can you write a python function that "
            "makes a file size readable?"
        ),
        "ground_truth": """
            def human_size(num_bytes):
                units = ["KB", "MB", "GB", "TB"]
                if num_bytes < 1024:
                    return str(num_bytes) + " B"
                value = float(num_bytes)
                unit = "B"
                for unit in units:
                    value /= 1024
                    if value < 1024 or unit == "TB":
                        break
                text = str(round(value, 1))
                if text.endswith(".0"):
                    text = text[:-2]
                return text + " " + unit
        """,
        "tests": [
            "human_size(0)",
            "human_size(1023)",
            "human_size(1024)",
            "human_size(1536)",
            "human_size(1048576)",
            "human_size(5500000)",
            "human_size(3221225472)",
            "human_size(1099511627776)",
            "human_size(5629499534213120)",
            "human_size(1000000)",
        ],
    },
    {
        "id": "be-test-019",
        "request": (
            "I run the loyalty programme for our bookshop café. I want a python function that "
            "works out how many points a purchase earns."
        ),
        "ground_truth": """
            def points_earned(amount, tier="basic", birthday_month=False):
                import math
                if amount < 5:
                    return 0
                multiplier = {"basic": 1.0, "silver": 1.25, "gold": 1.5}.get(tier, 1.0)
                points = math.floor(int(amount) * multiplier)
                if birthday_month:
                    points *= 2
                return points
        """,
        "tests": [
            "points_earned(4.99)",
            "points_earned(5)",
            "points_earned(23.75)",
            "points_earned(23.75, 'silver')",
            "points_earned(23.75, 'gold')",
            "points_earned(10, 'gold', True)",
            "points_earned(7.5, 'silver', birthday_month=True)",
            "points_earned(100, 'platinum')",
            "points_earned(3, 'gold', True)",
            "points_earned(41, 'silver')",
        ],
    },
    {
        "id": "be-test-020",
        "request": (
            "I run early in the morning in all weather. Can you write a python function that tells "
            "me how many layers to wear?"
        ),
        "ground_truth": """
            def layers_to_wear(temp_c, wind_kmh=0, raining=False):
                feels = temp_c - wind_kmh / 10
                if feels >= 15:
                    layers = 1
                elif feels >= 5:
                    layers = 2
                elif feels >= -5:
                    layers = 3
                else:
                    layers = 4
                if raining:
                    layers += 1
                return min(layers, 4)
        """,
        "tests": [
            "layers_to_wear(20)",
            "layers_to_wear(15)",
            "layers_to_wear(16, 20)",
            "layers_to_wear(5)",
            "layers_to_wear(4.9)",
            "layers_to_wear(0, 50)",
            "layers_to_wear(-5)",
            "layers_to_wear(-6)",
            "layers_to_wear(18, 0, True)",
            "layers_to_wear(-10, 10, raining=True)",
        ],
    },
]
